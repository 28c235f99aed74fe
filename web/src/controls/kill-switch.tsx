// The kill switch for all of the user's strategies: its state, and engage (with a reason; cancels every resting order)
// or release, each behind a confirmation that says what will happen. In the header of every page
import { useRef } from 'preact/hooks';
import { post } from '../api.ts';
import { useResource } from '../live.ts';
import { when } from '../format.ts';
import type { KillSwitch } from '../types.ts';
import { cancelText, OutcomeNote, useAction, type CancelReport } from './action.tsx';
import { useConfirm } from './confirm.tsx';
// The controls' and overview's styles (beside style.css; this module is on every page, in the header)
import './controls.css';

export function KillSwitchControl(props: { state?: KillSwitch | null; onChanged?: () => void; testid?: string }) {
  const own = useResource<KillSwitch>(props.state === undefined ? '/api/lt/kill-switch' : null);
  const ks = props.state === undefined ? own.data : props.state;
  const [dialog, confirm] = useConfirm();
  const [outcome, run] = useAction();
  const reason = useRef('');
  if (!ks) return null;
  const changed = () => { own.reload(); props.onChanged?.(); };
  const engage = () => confirm({
    title: 'Engage the kill switch?', confirm: 'Engage kill switch', danger: true,
    body: <>
      <p>Every live strategy of yours stops sending new orders, and every resting order is cancelled at the venue now.
        Fills already made stay booked. Nothing trades again until you release it.</p>
      <label>Reason <input name="kill-reason" maxLength={500} placeholder="engaged by operator"
        onInput={(e) => { reason.current = (e.target as HTMLInputElement).value; }} /></label>
    </>,
    run: async () => {
      await run('kill-engage', async () => {
        const r = await post<KillSwitch & { cancel?: CancelReport }>('/api/lt/kill-switch',
          { engaged: true, reason: reason.current.trim() || null });
        return `Kill switch engaged${r.cancel ? `: ${cancelText(r.cancel)}` : ''}.`;
      });
      changed();
    },
  });
  const release = () => confirm({
    title: 'Release the kill switch?', confirm: 'Release kill switch',
    body: <p>Your active strategies may send orders again from their next signal. Paused strategies stay paused.</p>,
    run: async () => {
      await run('kill-release', async () => {
        await post<KillSwitch>('/api/lt/kill-switch', { engaged: false });
        return 'Kill switch released: active strategies trade again.';
      });
      changed();
    },
  });
  return (
    <span class={ks.engaged ? 'kill engaged' : 'kill'} data-testid={props.testid ?? 'kill-switch'} data-engaged={String(ks.engaged)}>
      {ks.engaged
        ? <><strong title={ks.set_at ? `since ${when(ks.set_at)}` : undefined}>Kill switch engaged{ks.reason ? `: ${ks.reason}` : ''}</strong>{' '}
          <button type="button" data-action="kill-release" onClick={release}>Release</button></>
        : <button type="button" class="danger" data-action="kill-engage" onClick={engage}>Kill switch</button>}
      <OutcomeNote outcome={outcome} testid="kill-result" />
      {dialog}
    </span>
  );
}
