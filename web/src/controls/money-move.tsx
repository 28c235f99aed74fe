// Deposit into or withdraw from a strategy's book: an amount and a reference (the idempotency key: the same reference
// twice books once), behind a confirmation; the API's messages at the field
import { useState } from 'preact/hooks';
import { ApiError, post } from '../api.ts';
import { usd } from '../format.ts';
import type { LtCapital, LtItem } from '../types.ts';
import type { Ask } from './confirm.tsx';
import { FieldError } from './settings-form.tsx';

const newRef = (kind: string) => `${kind}-${new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14)}`;
const decimal = /^\d+(\.\d+)?$/;

export function MoneyMove(props: {
  kind: 'deposit' | 'withdraw'; item: LtItem; confirm: (a: Ask) => void;
  run: (action: string, fn: () => Promise<string>) => Promise<boolean>; onDone: () => void;
}) {
  const { kind, item } = props;
  const id = item.strategy.strategy_id;
  const [amount, setAmount] = useState('');
  const [ref, setRef] = useState(() => newRef(kind));
  const [error, setError] = useState<ApiError | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const a = amount.trim();
    const r = ref.trim();
    props.confirm({
      title: `${kind === 'deposit' ? 'Deposit into' : 'Withdraw from'} ${id}?`, confirm: kind === 'deposit' ? 'Deposit' : 'Withdraw',
      danger: kind === 'withdraw',
      body: <p>{kind === 'deposit' ? 'Books a deposit of ' : 'Books a withdrawal of '}<strong>{decimal.test(a) ? usd(a) : a || 'no amount'}</strong>
        {kind === 'deposit' ? ' into ' : ' from '}{id}'s {item.capital.book} book (available now {usd(item.capital.available)}),
        reference <code>{r || 'none'}</code>. The same reference again books nothing.</p>,
      run: async () => {
        setError(null);
        const ok = await props.run(kind, async () => {
          try {
            const res = await post<{ booked: boolean; ref: string; capital: LtCapital }>(
              `/api/lt/strategies/${encodeURIComponent(id)}/${kind}`, { amount: a, ...(r ? { ref: r } : {}) });
            return res.booked
              ? `${kind === 'deposit' ? 'Deposited' : 'Withdrew'} ${usd(a)} (ref ${res.ref}): equity ${usd(res.capital.equity)}, available ${usd(res.capital.available)}.`
              : `Nothing booked: reference ${res.ref} was already used.`;
          } catch (err) {
            if (err instanceof ApiError) setError(err);
            throw err;
          }
        });
        if (ok) {
          setAmount('');
          setRef(newRef(kind));
        }
        props.onDone();
      },
    });
  };
  return (
    <form class="card money-move" data-testid={`${kind}-form`} onSubmit={submit}>
      <h3>{kind === 'deposit' ? 'Deposit' : 'Withdraw'}</h3>
      <label>Amount (USDC) <input name="amount" inputMode="decimal" value={amount} autocomplete="off"
        onInput={(e) => setAmount((e.target as HTMLInputElement).value)} /></label>
      <FieldError error={error} field="amount" />
      <label>Reference <input name="ref" value={ref} autocomplete="off" onInput={(e) => setRef((e.target as HTMLInputElement).value)} /></label>
      <span class="note">Your bank transfer or transaction id: a repeat with the same reference books nothing.</span>
      <FieldError error={error} field="ref" />
      <div class="controls"><button type="submit" class="primary" data-action={`${kind}-submit`}>{kind === 'deposit' ? 'Deposit…' : 'Withdraw…'}</button></div>
    </form>
  );
}
