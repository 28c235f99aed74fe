// The overview: every live (LT) and paper (FT) strategy with its status, P&L, win rate, the seed's success-metric lights
// and a sparkline; sortable, filterable by text and status; a row opens its page, and an FT row can be promoted to live.
// Reads GET /api/overview (one call: both lists with their lights and sparklines)
import { useState } from 'preact/hooks';
import { useResource } from '../live.ts';
import { count, ratio, sign, usd } from '../format.ts';
import { Sparkline } from '../components/charts.tsx';
import { FIRST_ROWS, SortTable } from '../components/sort-table.tsx';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';
import type { Dec, KillSwitch, Point } from '../types.ts';

export interface Target { metric: string; status: 'green' | 'red' | 'no_data'; value: Dec | null; target: Dec | string }
export interface OverviewFt {
  wallet_id: string; name: string | null; description: string | null; is_active: boolean; starting_balance: Dec; cash: Dec;
  realized_pnl: Dec; unrealized_pnl: Dec | null; pnl: Dec; orders: number; open: number; won: number; lost: number;
  win_rate: Dec | null; live: string[]; sparkline: Point[];
}
export interface OverviewLt {
  strategy_id: string; ft_wallet_id: string; mode: string; status: 'not_launched' | 'active' | 'paused' | 'stopped';
  pause_reason: string | null; launched_at: string | null; equity: Dec; pnl: Dec; net_deposits: Dec; win_rate: Dec | null;
  targets: Target[]; sparkline: Point[];
}
export interface Overview { as_of: string; kill_switch: KillSwitch; ft: OverviewFt[]; lt: OverviewLt[] }

const METRIC: Record<string, string> = { avg_signal_slippage_pct: 'Slippage', fill_rate: 'Fill rate',
  order_latency_p50_ms: 'Latency', rejection_rate: 'Rejections', pnl_vs_ft: 'P&L vs FT', win_rate_vs_ft: 'Win rate vs FT',
  quality_score_mean: 'Quality' };
const metricLabel = (m: string) => METRIC[m] ?? m.replace(/_/g, ' ');

function Lights({ targets }: { targets: Target[] }) {
  if (targets.length === 0) return <span class="note">–</span>;
  return <ul class="badges lights" data-testid="targets">{targets.map((t) => (
    <li key={t.metric} class={`badge ${t.status}`} data-metric={t.metric} data-status={t.status} data-value={t.value ?? 'null'}
      title={`${metricLabel(t.metric)}: ${t.value ?? 'no data'} (target ${t.target})`}>
      {t.status === 'green' ? '✓' : t.status === 'red' ? '✗' : '–'} {metricLabel(t.metric)}</li>))}</ul>;
}

const STATUSES = [['', 'any status'], ['active', 'active'], ['paused', 'paused'], ['stopped', 'stopped'],
  ['not_launched', 'not launched'], ['live', 'paper, promoted to live'], ['paper', 'paper, not live'], ['inactive', 'paper, inactive']] as const;

const ftStatus = (w: OverviewFt): string => (w.is_active ? 'active' : 'inactive');
function ftMatches(w: OverviewFt, status: string): boolean {
  if (!status) return true;
  if (status === 'live') return w.live.length > 0;
  if (status === 'paper') return w.live.length === 0;
  return ftStatus(w) === status;
}
const textMatches = (needle: string, ...hay: (string | null)[]) => !needle || hay.some((h) => (h ?? '').toLowerCase().includes(needle));

function LtTable({ rows }: { rows: OverviewLt[] }) {
  return <SortTable testid="lt-table" firstRows={FIRST_ROWS} caption={`Live strategies (LT): ${rows.length}`} rows={rows} rowKey={(r) => r.strategy_id}
    rowHref={(r) => paths.lt(r.strategy_id)} initialSort={{ key: 'pnl', desc: true }} columns={[
      { key: 'strategy_id', label: 'Strategy', render: (r) => r.strategy_id, value: (r) => r.strategy_id },
      { key: 'ft_wallet_id', label: 'Mirrors', render: (r) => <a href={paths.ft(r.ft_wallet_id)}>{r.ft_wallet_id}</a>, value: (r) => r.ft_wallet_id },
      { key: 'status', label: 'Status', value: (r) => r.status,
        render: (r) => <span class={`status ${r.status}`} title={r.pause_reason ?? undefined}>{r.status.replace('_', ' ')}{r.mode === 'shadow' ? ' (shadow)' : ''}</span> },
      { key: 'equity', label: 'Equity', numeric: true, render: (r) => usd(r.equity), value: (r) => r.equity },
      { key: 'pnl', label: 'P&L', numeric: true, render: (r) => <span class={sign(r.pnl)}>{usd(r.pnl)}</span>, value: (r) => r.pnl },
      { key: 'win_rate', label: 'Win rate', numeric: true, render: (r) => ratio(r.win_rate, 1), value: (r) => r.win_rate },
      { key: 'targets', label: 'Targets', render: (r) => <Lights targets={r.targets} />,
        value: (r) => r.targets.filter((t) => t.status === 'green').length },
      { key: 'sparkline', label: 'P&L trend', render: (r) => <Sparkline points={r.sparkline} label={`${r.strategy_id} P&L`} /> },
    ]} />;
}

function FtTable({ rows }: { rows: OverviewFt[] }) {
  return <SortTable testid="ft-table" paintTiming="ft-table-rows" firstRows={FIRST_ROWS} caption={`Paper strategies (FT): ${rows.length}`} rows={rows} rowKey={(w) => w.wallet_id}
    rowHref={(w) => paths.ft(w.wallet_id)} columns={[
      { key: 'wallet_id', label: 'Strategy', render: (w) => <>{w.wallet_id}{w.name && w.name !== w.wallet_id ? <span class="note"> {w.name}</span> : null}</>, value: (w) => w.wallet_id },
      { key: 'status', label: 'Status', value: (w) => ftStatus(w), render: (w) => <span class={`status ${ftStatus(w)}`}>{ftStatus(w)}</span> },
      { key: 'pnl', label: 'P&L', numeric: true, render: (w) => <span class={sign(w.pnl)}>{usd(w.pnl)}</span>, value: (w) => w.pnl },
      { key: 'realized_pnl', label: 'Realized P&L', numeric: true, render: (w) => <span class={sign(w.realized_pnl)}>{usd(w.realized_pnl)}</span>, value: (w) => w.realized_pnl },
      { key: 'orders', label: 'Orders', numeric: true, render: (w) => count(w.orders), value: (w) => w.orders },
      { key: 'win_rate', label: 'Win rate', numeric: true, render: (w) => ratio(w.win_rate, 1), value: (w) => w.win_rate },
      { key: 'sparkline', label: 'P&L trend', render: (w) => <Sparkline points={w.sparkline} label={`${w.wallet_id} P&L`} /> },
      { key: 'live', label: 'Live', value: (w) => w.live.length, render: (w) => (w.live.length
        ? <>{w.live.map((id) => <a key={id} href={paths.lt(id)}>{id}</a>)}</>
        : <a class="button" data-action="promote" href={paths.create(w.wallet_id)}>Promote to live</a>) },
    ]} />;
}

export function OverviewPage() {
  const r = useResource<Overview>('/api/overview');
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const needle = text.trim().toLowerCase();
  return (
    <div class="page" data-testid="overview">
      <h1>Overview <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <div class="filters" role="search">
        <label>Filter <input type="search" data-testid="filter-text" value={text} placeholder="strategy, name"
          onInput={(e) => setText((e.target as HTMLInputElement).value)} /></label>
        <label>Status <select data-testid="filter-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
          {STATUSES.map(([v, l]) => <option value={v}>{l}</option>)}</select></label>
        <a href={paths.audit()}>Audit</a>
      </div>
      <View r={r} testid="overview-data">
        {(d) => {
          const lt = d.lt.filter((x) => textMatches(needle, x.strategy_id, x.ft_wallet_id) && (!status || x.status === status
            || (status === 'live' && x.mode === 'live')));
          const ft = d.ft.filter((w) => textMatches(needle, w.wallet_id, w.name, w.description) && ftMatches(w, status));
          return <>
            {d.lt.length === 0 ? <p class="empty" data-testid="lt-empty">No live strategies yet: promote a paper strategy below
              (or <a href={paths.create()}>create one</a>).</p> : <LtTable rows={lt} />}
            {d.ft.length === 0 ? <p class="empty">No paper strategies.</p> : <FtTable rows={ft} />}
          </>;
        }}
      </View>
    </div>
  );
}
