// An LT strategy's controls: launch, pause (with a reason), resume, stop, deposit, withdraw, cancel open orders, the
// kill switch and the settings editor. Anything that touches money or orders asks first (a <dialog> saying what will
// happen); every command's result is shown, and every command is audited by the API (controls/audit-list.tsx)
import { useRef, useState } from 'preact/hooks';
import { post } from '../api.ts';
import { usd } from '../format.ts';
import type { KillSwitch, LtItem } from '../types.ts';
import { ltStatus } from '../types.ts';
import { AuditList } from './audit-list.tsx';
import { cancelText, OutcomeNote, useAction, type CancelReport } from './action.tsx';
import { useConfirm } from './confirm.tsx';
import { KillSwitchControl } from './kill-switch.tsx';
import { MoneyMove } from './money-move.tsx';
import { SettingsEditor } from './settings-editor.tsx';

export function StrategyControls(props: { item: LtItem; killSwitch: KillSwitch; onChanged: () => void }) {
  const s = props.item.strategy;
  const id = s.strategy_id;
  const base = `/api/lt/strategies/${encodeURIComponent(id)}`;
  const [dialog, confirm] = useConfirm();
  const [outcome, run] = useAction();
  const [panel, setPanel] = useState<'deposit' | 'withdraw' | 'settings' | null>(null);
  const [auditOpen, setAuditOpen] = useState(false);
  const reason = useRef('');
  const status = ltStatus(s);
  const act = (action: string, fn: () => Promise<string>) => async () => {
    await run(action, fn);
    props.onChanged();
  };
  const wallet = s.wallet_address ?? null;
  const launch = () => confirm({
    title: `Launch ${id}?`, confirm: 'Launch',
    body: <p>{s.launched_at ? 'Starts taking signals again' : <>Deposits the starting capital {usd(s.starting_capital ?? null)} into its {s.mode} book
      and starts copying</>} every new trade of {s.ft_wallet_id}{s.mode === 'live'
      ? <> with real orders signed by <code class="addr">{wallet ?? 'no wallet: launch will refuse; choose one in the settings'}</code></> : ' without sending orders (shadow)'}.</p>,
    run: act('launch', async () => { await post(`${base}/launch`); return `${id} launched.`; }),
  });
  const pause = () => confirm({
    title: `Pause ${id}?`, confirm: 'Pause',
    body: <><p>No new orders are sent; resting orders, exits and settlement go on. It stays paused until you resume it.</p>
      <label>Reason <input name="pause-reason" maxLength={500} placeholder="paused by operator"
        onInput={(e) => { reason.current = (e.target as HTMLInputElement).value; }} /></label></>,
    run: act('pause', async () => {
      await post(`${base}/pause`, reason.current.trim() ? { reason: reason.current.trim() } : {});
      return `${id} paused${reason.current.trim() ? `: ${reason.current.trim()}` : ''}.`;
    }),
  });
  const resume = act('resume', async () => { await post(`${base}/resume`); return `${id} resumed: it takes new signals again.`; });
  const stop = () => confirm({
    title: `Stop ${id}?`, confirm: 'Stop', danger: true,
    body: <p>Takes no new signals and cancels its resting orders at the venue. Orders already filled stay, and are
      tracked and settled. Launch it again to restart.</p>,
    run: act('stop', async () => {
      const r = await post<{ cancel?: CancelReport }>(`${base}/stop`);
      return `${id} stopped; ${cancelText(r.cancel)}.`;
    }),
  });
  const cancel = () => confirm({
    title: `Cancel ${id}'s open orders?`, confirm: 'Cancel open orders', danger: true,
    body: <p>Sends a cancel to the venue for every resting order of this strategy. Whatever filled before the cancel stays booked.</p>,
    run: act('cancel-orders', async () => `${cancelText(await post<CancelReport>(`${base}/cancel-open-orders`))}.`),
  });
  const launched = s.launched_at !== null;
  return (
    <div class="controls-box" data-testid="controls" data-status={status}>
      <div class="controls">
        {status === 'not_launched' || status === 'stopped'
          ? <button type="button" class="primary" data-action="launch" onClick={launch}>{launched ? 'Relaunch' : 'Launch'}</button> : null}
        {status === 'active' ? <button type="button" data-action="pause" onClick={pause}>Pause</button> : null}
        {status === 'paused' ? <button type="button" class="primary" data-action="resume" onClick={() => void resume()}>Resume</button> : null}
        {status === 'active' || status === 'paused' ? <button type="button" class="danger" data-action="stop" onClick={stop}>Stop</button> : null}
        {launched ? <button type="button" data-action="cancel-orders" onClick={cancel}>Cancel open orders</button> : null}
        <button type="button" data-action="deposit" aria-expanded={panel === 'deposit'} onClick={() => setPanel(panel === 'deposit' ? null : 'deposit')}>Deposit</button>
        <button type="button" data-action="withdraw" aria-expanded={panel === 'withdraw'} onClick={() => setPanel(panel === 'withdraw' ? null : 'withdraw')}>Withdraw</button>
        <button type="button" data-action="settings" aria-expanded={panel === 'settings'} onClick={() => setPanel(panel === 'settings' ? null : 'settings')}>Settings</button>
        <KillSwitchControl state={props.killSwitch} onChanged={props.onChanged} testid="strategy-kill-switch" />
      </div>
      {status === 'paused' && s.pause_reason ? <p class="note" data-testid="pause-reason">Paused: {s.pause_reason}</p> : null}
      {s.mode === 'live' && !wallet ? <p class="note" data-testid="needs-wallet">This live strategy has no wallet_address: launch will refuse
        until you choose the wallet its orders are signed by (Settings).</p> : null}
      <OutcomeNote outcome={outcome} />
      {panel === 'deposit' || panel === 'withdraw'
        ? <MoneyMove key={panel} kind={panel} item={props.item} confirm={confirm} run={run} onDone={props.onChanged} /> : null}
      {panel === 'settings' ? <SettingsEditor item={props.item} onSaved={() => { props.onChanged(); }} /> : null}
      <details class="strategy-audit" data-testid="strategy-audit" onToggle={(e) => setAuditOpen((e.target as HTMLDetailsElement).open)}>
        <summary>Audit: every command on {id}</summary>
        {auditOpen ? <AuditList strategyId={id} /> : null}
      </details>
      {dialog}
    </div>
  );
}
