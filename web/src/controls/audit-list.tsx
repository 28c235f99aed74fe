// The operator commands the API audited (GET /api/lt/audit), newest first: for all strategies (the /audit page) or one
// (the strategy page renders <AuditList strategyId={id} />)
import { useResource } from '../live.ts';
import { when } from '../format.ts';
import { SortTable } from '../components/sort-table.tsx';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';

export interface AuditRow { audit_id: string | number; strategy_id: string | null; command: string; detail: unknown; at: string }

/** A detail object in one short line: its plain values (a nested configuration is named, not spelled out) */
export function detailText(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  const parts = Object.entries(d as Record<string, unknown>).map(([k, v]) => {
    if (v === null) return `${k}: none`;
    if (typeof v === 'object') return Array.isArray(v) ? `${k}: ${v.length} item${v.length === 1 ? '' : 's'}` : `${k}: {…}`;
    return `${k}: ${String(v)}`;
  });
  const text = parts.join(', ');
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

export function AuditList(props: { strategyId?: string; limit?: number }) {
  const q = new URLSearchParams({ limit: String(props.limit ?? 100) });
  if (props.strategyId) q.set('strategy_id', props.strategyId);
  const r = useResource<{ audit: AuditRow[] }>(`/api/lt/audit?${q.toString()}`);
  return (
    <section class="audit" data-testid="audit-section">
      <h2>Audit {props.strategyId ? 'of this strategy' : ''} <Updated at={r.updatedAt} stale={r.stale} /></h2>
      <View r={r} testid="audit-list" isEmpty={(d) => d.audit.length === 0} empty={<p>No commands yet.</p>}>
        {(d) => <SortTable testid="audit-table" caption={`${d.audit.length} most recent commands`} rows={d.audit}
          rowKey={(a) => String(a.audit_id)} columns={[
            { key: 'at', label: 'At', render: (a) => <time dateTime={a.at}>{when(a.at)}</time>, value: (a) => a.at },
            ...(props.strategyId ? [] : [{ key: 'strategy_id', label: 'Strategy', value: (a: AuditRow) => a.strategy_id,
              render: (a: AuditRow) => (a.strategy_id ? <a href={paths.lt(a.strategy_id)}>{a.strategy_id}</a> : 'all') }]),
            { key: 'command', label: 'Command', render: (a) => a.command, value: (a) => a.command },
            { key: 'detail', label: 'Detail', render: (a) => <span class="detail" title={JSON.stringify(a.detail)}>{detailText(a.detail)}</span> },
          ]} />}
      </View>
    </section>
  );
}
