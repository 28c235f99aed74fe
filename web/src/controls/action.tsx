// Running an operator command and showing what came of it: the API's answer in words, or its refusal
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';

export interface Outcome { ok: boolean; action: string; text: string; error: ApiError | null }

/** [the last outcome, run(action, fn): runs fn and records its text or its error] */
export function useAction(): [Outcome | null, (action: string, fn: () => Promise<string>) => Promise<boolean>, () => void] {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const run = async (action: string, fn: () => Promise<string>) => {
    try {
      const text = await fn();
      setOutcome({ ok: true, action, text, error: null });
      return true;
    } catch (e) {
      setOutcome({ ok: false, action, text: (e as Error).message, error: e instanceof ApiError ? e : null });
      return false;
    }
  };
  return [outcome, run, () => setOutcome(null)];
}

export function OutcomeNote({ outcome, testid = 'action-result' }: { outcome: Outcome | null; testid?: string }) {
  if (!outcome) return null;
  const issues = outcome.error?.problem.issues ?? [];
  return (
    <p class={outcome.ok ? 'outcome ok' : 'outcome error'} role={outcome.ok ? 'status' : 'alert'} data-testid={testid}
      data-outcome-of={outcome.action} data-ok={String(outcome.ok)}>
      {outcome.text}
      {issues.length > 0 && !outcome.ok ? <> ({issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})</> : null}
    </p>
  );
}

/** A cancel report (stop, cancel open orders, kill switch) in words */
export interface CancelReport { cancelled: number | string[]; not_cancelled: { order_id: string; reason: string }[]; errors?: unknown }
export function cancelText(c: CancelReport | undefined): string {
  if (!c) return '';
  const n = Array.isArray(c.cancelled) ? c.cancelled.length : c.cancelled;
  const not = c.not_cancelled.length;
  return `${n} resting order${n === 1 ? '' : 's'} cancelled${not ? `, ${not} not cancelled (${c.not_cancelled.map((x) => x.reason).join('; ')})` : ''}`;
}
