// The wallet a live strategy trades through (wallet_address). Launch refuses a live strategy without one ("needs
// wallet_address"): its orders are signed by that wallet. It must be one of the user's linked wallets (GET
// /api/wallets) or, for an address nobody linked, the operator's own wallet (the server's POLYMARKET_PRIVATE_KEY; with
// the simulated venue every unlinked address trades through the operator's simulated account)
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api.ts';
import { useResource } from '../live.ts';
import { FieldError } from './settings-form.tsx';

interface Wallet { address: string; label: string | null; venue?: { state: string; reasons: { message: string }[] } }

function useVenueName(): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    void fetch('/api/health').then((r) => r.json()).then((h: { venue?: { name: string } }) => setName(h.venue?.name ?? null))
      .catch(() => setName(null));
  }, []);
  return name;
}

export function WalletPicker(props: { value: string; onChange: (v: string) => void; mode: string; error: ApiError | null }) {
  const wallets = useResource<{ wallets: Wallet[]; operator_wallet: string | null }>('/api/wallets');
  const operator = wallets.data?.operator_wallet ?? null;
  const venue = useVenueName();
  const list = wallets.data?.wallets ?? [];
  const shadow = props.mode === 'shadow';
  return (
    <fieldset class="wallet-picker" data-testid="wallet-picker">
      <legend>Wallet the strategy trades through <code>wallet_address</code></legend>
      <p class="note" data-testid="wallet-why">
        {shadow ? 'A shadow strategy sends no orders, so it needs no wallet. ' : null}
        A live strategy's orders are signed by a wallet, so it cannot launch without one ("needs wallet_address").
        Choose one of your linked wallets, or give the operator wallet's address (the server's own key).
        {venue === 'simulated' ? ' This server trades on the simulated venue: any address you have not linked trades through the operator\'s simulated account.' : null}
        {' '}A wallet cannot change while the strategy runs.
      </p>
      {list.length > 0 ? <ul class="choices" data-testid="linked-wallets">{list.map((w) => (
        <li key={w.address}><label class="choice">
          <input type="radio" name="wallet_choice" value={w.address} checked={props.value.toLowerCase() === w.address.toLowerCase()}
            onChange={() => props.onChange(w.address)} />
          {' '}{w.label ?? 'wallet'} <code class="addr">{w.address}</code>{w.venue ? <span class="note"> · venue {w.venue.state}</span> : null}
        </label></li>))}</ul>
        : wallets.data ? <p class="note" data-testid="no-linked-wallets">You have linked no wallet (link one with <code>tandem wallet link</code> or POST /api/wallets).</p> : null}
      {operator ? <p data-testid="operator-wallet"><label class="choice">
        <input type="radio" name="wallet_choice" value={operator} checked={props.value.toLowerCase() === operator}
          onChange={() => props.onChange(operator)} /> the operator wallet <code class="addr">{operator}</code></label></p> : null}
      <label>Address <input name="wallet_address" value={props.value} placeholder="0x… (40 hex digits)" autocomplete="off" spellcheck={false}
        onInput={(e) => props.onChange((e.target as HTMLInputElement).value)} /></label>
      <FieldError error={props.error} field="wallet_address" />
    </fieldset>
  );
}
