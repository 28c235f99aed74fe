// Creating a live strategy from a paper one, in the seed's four steps: 1 the FT wallet to mirror, 2 the capital,
// 3 the execution settings (with the wallet it trades through), 4 review, then create and launch. The API validates;
// its messages (problem+json issues) are shown at the field, on the step the field belongs to
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ApiError, patch, post } from '../api.ts';
import { useResource } from '../live.ts';
import { ratio, usd } from '../format.ts';
import { paths } from '../routes.ts';
import type { FtSummary, LtItem } from '../types.ts';
import { useConfirm } from '../controls/confirm.tsx';
import { changedSettings, settingNamed } from '../controls/settings.ts';
import { defaultValues, FieldError, SettingsFields } from '../controls/settings-form.tsx';
import { WalletPicker } from '../controls/wallet-picker.tsx';

const STEPS = ['Paper strategy', 'Capital', 'Execution settings', 'Review'] as const;

/** The step a body field is entered on */
export const stepOf = (field: string): number => (field === 'ft_wallet_id' ? 1 : field === 'starting_capital' ? 2 : 3);

function PickFt(props: { value: string; onChange: (id: string) => void; error: ApiError | null }) {
  const ft = useResource<{ wallets: FtSummary[] }>('/api/ft/wallets');
  const [q, setQ] = useState('');
  const all = ft.data?.wallets ?? [];
  const needle = q.trim().toLowerCase();
  const shown = all.filter((w) => !needle || w.wallet_id.toLowerCase().includes(needle)
    || (w.display_name ?? '').toLowerCase().includes(needle)).slice(0, 40);
  return (
    <div data-testid="pick-ft">
      <p class="note">The paper (FT) strategy whose trades this live strategy copies, from the moment it is launched.</p>
      <label>Search <input type="search" name="ft-search" value={q} placeholder="name or id"
        onInput={(e) => setQ((e.target as HTMLInputElement).value)} /></label>
      {ft.error ? <p class="error" role="alert">{ft.error.message}</p> : ft.loading && !ft.data ? <p class="loading">Loading…</p> : null}
      <ul class="choices" data-testid="ft-choices">{shown.map((w) => (
        <li key={w.wallet_id} data-key={w.wallet_id}><label class="choice">
          <input type="radio" name="ft_wallet_id" value={w.wallet_id} checked={props.value === w.wallet_id}
            onChange={() => props.onChange(w.wallet_id)} />
          {' '}<strong>{w.wallet_id}</strong>{w.display_name ? ` ${w.display_name}` : ''}
          <span class="note"> · P&L {usd(w.realized_pnl)} · win rate {ratio(w.win_rate, 1)} · {w.orders} orders{w.is_active ? '' : ' · inactive'}</span>
        </label></li>))}</ul>
      {all.length > shown.length ? <p class="note">{all.length - shown.length} more: refine the search.</p> : null}
      <p>Chosen: <strong data-testid="chosen-ft">{props.value || 'none'}</strong></p>
      <FieldError error={props.error} field="ft_wallet_id" />
    </div>
  );
}

function Capital(props: { value: string; onChange: (v: string) => void; error: ApiError | null }) {
  return (
    <div data-testid="capital-step">
      <label>Starting capital (USDC) <input name="starting_capital" inputMode="decimal" value={props.value} autocomplete="off"
        onInput={(e) => props.onChange((e.target as HTMLInputElement).value)} /></label>
      <FieldError error={props.error} field="starting_capital" />
      <p class="note">Deposited into the strategy's book when it is first launched; fixed after that (deposit or withdraw to
        change it). Orders are sized from the paper strategy's sizing rule with this strategy's available cash, within the limits of step 3.</p>
    </div>
  );
}

function Review(props: { ft: string; capital: string; changes: Record<string, unknown>; wallet: string }) {
  const entries = Object.entries(props.changes);
  return (
    <div data-testid="review">
      <dl class="facts">
        <div data-field="ft_wallet_id"><dt>Mirrors</dt><dd>{props.ft || 'none chosen'}</dd></div>
        <div data-field="starting_capital" data-value={props.capital}><dt>Starting capital</dt><dd>{/^\d+(\.\d+)?$/.test(props.capital) ? usd(props.capital) : props.capital || 'none'}</dd></div>
        <div data-field="wallet_address"><dt>Wallet</dt><dd><code class="addr">{props.wallet || 'none'}</code></dd></div>
      </dl>
      <p>{entries.length === 0 ? 'Every execution setting at its default.' : 'Settings changed from their defaults:'}</p>
      {entries.length ? <ul data-testid="review-changes">{entries.map(([k, v]) => <li key={k}>{settingNamed(k)?.label ?? k} <code>{k}</code>: {v === null ? 'none' : String(v)}</li>)}</ul> : null}
    </div>
  );
}

export function CreatePage() {
  const { query, route } = useLocation();
  const [step, setStep] = useState(1);
  const [ft, setFt] = useState(query.ft ?? '');
  const [capital, setCapital] = useState('1000');
  const [values, setValues] = useState(defaultValues);
  const [wallet, setWallet] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  const changes = changedSettings(values, (s) => s.def);
  const body = () => ({ ...changes, starting_capital: capital.trim(), ...(wallet.trim() ? { wallet_address: wallet.trim() } : {}) });

  const failed = (e: unknown) => {
    const err = e instanceof ApiError ? e : null;
    setError(err);
    const fields = (err?.problem.issues ?? []).map((i) => String(i.path[0]));
    const message = (e as Error).message;
    if (fields.length) setStep(Math.min(...fields.map(stepOf)));
    else if (/wallet_address|linked wallet/.test(message)) setStep(3);
    setNote(fields.length ? 'The API refused some values: see the messages at the fields.' : message);
  };
  const save = async (): Promise<string | null> => {
    try {
      if (created) {
        await patch(`/api/lt/strategies/${encodeURIComponent(created)}`, body());
        return created;
      }
      const item = await post<LtItem>('/api/lt/strategies', { ft_wallet_id: ft, ...body() });
      setCreated(item.strategy.strategy_id);
      return item.strategy.strategy_id;
    } catch (e) {
      failed(e);
      return null;
    }
  };
  const createOnly = async () => {
    setError(null); setNote(null);
    const id = await save();
    if (id) route(paths.lt(id));
  };
  const launch = () => confirm({
    title: `Create and launch LT_${ft}?`, confirm: 'Create and launch',
    body: <p>Creates the live strategy, deposits {usd(/^\d+(\.\d+)?$/.test(capital.trim()) ? capital.trim() : null)} of
      starting capital into its {values.mode === 'shadow' ? 'shadow' : 'live'} book, and from now on copies every new trade
      of {ft} {values.mode === 'shadow' ? 'without sending orders' : <>with real orders signed by <code class="addr">{wallet || 'no wallet'}</code></>}.</p>,
    run: async () => {
      setError(null); setNote(null);
      const id = await save();
      if (!id) return;
      try {
        await post(`/api/lt/strategies/${encodeURIComponent(id)}/launch`);
        route(paths.lt(id));
      } catch (e) {
        failed(e);
        setNote(`Created ${id}, but it did not launch: ${(e as Error).message}`);
      }
    },
  });

  const errorsOn = (n: number) => (error?.problem.issues ?? []).some((i) => stepOf(String(i.path[0])) === n);
  return (
    <div class="page create" data-testid="create" data-step={step}><form onSubmit={(e) => { e.preventDefault(); if (step < 4) setStep(step + 1); }}>
      <h1>New live strategy</h1>
      <ol class="steps" data-testid="steps">{STEPS.map((label, i) => (
        <li key={label} class={`${step === i + 1 ? 'current' : ''}${errorsOn(i + 1) ? ' has-error' : ''}`}>
          <button type="button" class="link" data-step-link={i + 1} aria-current={step === i + 1 ? 'step' : undefined}
            onClick={() => setStep(i + 1)}>{i + 1}. {label}</button></li>))}</ol>
      <section class="card" data-testid={`step-${step}`}>
        <h2>{step}. {STEPS[step - 1]}</h2>
        {step === 1 ? <PickFt value={ft} onChange={setFt} error={error} /> : null}
        {step === 2 ? <Capital value={capital} onChange={setCapital} error={error} /> : null}
        {step === 3 ? <>
          <SettingsFields values={values} error={error} onChange={(k, v) => setValues((o) => ({ ...o, [k]: v }))} />
          {values.mode === 'shadow' ? null : <WalletPicker value={wallet} onChange={setWallet} mode={values.mode ?? 'live'} error={error} />}
          {note && /wallet/.test(note) ? <p class="error" role="alert" data-error-for="wallet_address">{note}</p> : null}
        </> : null}
        {step === 4 ? <Review ft={ft} capital={capital} changes={changes} wallet={values.mode === 'shadow' ? '' : wallet} /> : null}
      </section>
      {note ? <p class={error || created ? 'error' : 'note'} role="alert" data-testid="create-note">{note}</p> : null}
      <div class="controls">
        {step > 1 ? <button type="button" data-action="back" onClick={() => setStep(step - 1)}>Back</button> : null}
        {step < 4 ? <button type="submit" class="primary" data-action="next" disabled={step === 1 && !ft}>Next</button> : <>
          <button type="button" data-action="create" onClick={() => void createOnly()}>{created ? 'Save' : 'Create'} without launching</button>
          <button type="button" class="primary" data-action="create-launch" onClick={launch} disabled={!ft}>{created ? 'Save and launch' : 'Create and launch'}</button>
        </>}
      </div>
    </form>{dialog}</div>
  );
}
