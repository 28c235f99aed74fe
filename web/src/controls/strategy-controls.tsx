// An LT strategy's controls: pause and resume (each audited by the API)
import { useState } from 'preact/hooks';
import { post } from '../api.ts';
import type { KillSwitch, LtItem } from '../types.ts';
import { ltStatus } from '../types.ts';

export function StrategyControls(props: { item: LtItem; killSwitch: KillSwitch; onChanged: () => void }) {
  const s = props.item.strategy;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: string) => {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/lt/strategies/${encodeURIComponent(s.strategy_id)}/${action}`);
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const status = ltStatus(s);
  return (
    <div class="controls" data-testid="controls">
      {status === 'active' ? <button type="button" disabled={busy} data-action="pause" onClick={() => run('pause')}>Pause</button> : null}
      {status === 'paused' ? <button type="button" disabled={busy} data-action="resume" onClick={() => run('resume')}>Resume</button> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
    </div>
  );
}
