// Editing a strategy's settings (PATCH /api/lt/strategies/{id}): the same fields, meanings and defaults as the create
// flow, prefilled with the strategy's values; only what changed is sent, and the API's messages are shown at the field
import { useState } from 'preact/hooks';
import { ApiError, patch } from '../api.ts';
import type { LtItem } from '../types.ts';
import { OutcomeNote, useAction } from './action.tsx';
import { changedSettings, SETTINGS, textOf } from './settings.ts';
import { SettingsFields } from './settings-form.tsx';
import { WalletPicker } from './wallet-picker.tsx';

export function SettingsEditor(props: { item: LtItem; onSaved: () => void }) {
  const s = props.item.strategy;
  const current = (name: string) => textOf(s[name]);
  const [values, setValues] = useState(() => Object.fromEntries(SETTINGS.map((x) => [x.name, current(x.name)])));
  const [wallet, setWallet] = useState(textOf(s.wallet_address));
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, run] = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    const body = changedSettings(values, (x) => current(x.name));
    if (wallet.trim() !== textOf(s.wallet_address)) body.wallet_address = wallet.trim() || null;
    setError(null);
    await run('settings', async () => {
      if (Object.keys(body).length === 0) return 'Nothing changed.';
      try {
        await patch(`/api/lt/strategies/${encodeURIComponent(s.strategy_id)}`, body);
      } catch (err) {
        if (err instanceof ApiError) setError(err);
        throw err;
      }
      props.onSaved();
      return `Saved: ${Object.keys(body).join(', ')}.`;
    });
  };
  return (
    <form class="card settings-editor" data-testid="settings-editor" onSubmit={save}>
      <h3>Settings</h3>
      <SettingsFields values={values} error={error} onChange={(k, v) => setValues((o) => ({ ...o, [k]: v }))} />
      <WalletPicker value={wallet} onChange={setWallet} mode={values.mode ?? s.mode} error={error} />
      <OutcomeNote outcome={outcome} testid="settings-result" />
      <div class="controls"><button type="submit" class="primary" data-action="settings-save">Save settings</button></div>
    </form>
  );
}
