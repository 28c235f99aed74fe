// The strategy page's sections, each drawn from one API response exactly as received (data-value = the raw value)
import { useState } from 'preact/hooks';
import { Histogram, LineChart } from '../components/charts.tsx';
import { Waterfall, type Step } from '../components/waterfall.tsx';
import { count, DASH, isNull, pct, price, ratio, shares, sign, usd, when } from '../format.ts';
import type { Alert, Breaker, Comparison, GapFigures, Positions, RiskLimit, StrategySeries, Target } from '../lt-types.ts';

type Fmt = (v: string | null) => string;
const num: Fmt = (v) => (isNull(v) ? DASH : String(v));
const COMPARE: [string, string, Fmt][] = [
  ['signals', 'Signals', num], ['invested_usd', 'Invested', usd], ['realized_pnl_usd', 'Realized P&L', usd],
  ['unrealized_pnl_usd', 'Unrealized P&L', usd], ['pnl_usd', 'P&L', usd], ['won', 'Won', num], ['lost', 'Lost', num],
  ['win_rate', 'Win rate', (v) => ratio(v)], ['return_pct', 'Return', (v) => pct(v)], ['exits', 'Exits', num],
  ['ordered', 'Ordered', num], ['filled_orders', 'Filled orders', num], ['fees_usd', 'Fees', usd],
];
export const GAP_PARTS: [keyof GapFigures, string, string][] = [
  ['delay_usd', 'Delay', 'the market moved between the trader\u2019s fill and our arrival'],
  ['execution_usd', 'Execution', 'what we paid against the arrival mid: spread and impact'],
  ['fees_usd', 'Fees', 'venue fees'],
  ['opportunity_usd', 'Opportunity', 'unfilled or skipped size, from the signal price to now'],
  ['sizing_usd', 'Sizing', 'a different size than FT, and FT\u2019s own cost rounding'],
];
const TARGETS: Record<string, string> = { avg_signal_slippage_pct: 'Avg slippage', fill_rate: 'Fill rate',
  order_latency_p50_ms: 'Order latency p50', rejection_rate: 'Rejection rate', pnl_vs_ft: 'P&L vs FT',
  win_rate_vs_ft: 'Win rate vs FT', quality_score_mean: 'Quality score' };
const STATUS: Record<Target['status'], [string, string]> = { green: ['\u2713', 'met'], red: ['\u2717', 'missed'], no_data: ['\u2013', 'no data'] };
const MARKS: Record<string, string> = { payout: 'payout (final)', mark: 'market price', last_trade: 'last trade', entry: 'entry price' };

const raw = (v: unknown) => (v === null || v === undefined ? 'null' : String(v));

export function ComparisonTable({ cmp }: { cmp: Comparison }) {
  return <div class="scroll"><table data-testid="lt-comparison">
    <caption>FT vs LT since launch ({when(cmp.launched_at)})</caption>
    <thead><tr><th /><th class="num">FT (paper)</th><th class="num">LT (live)</th></tr></thead>
    <tbody>{COMPARE.filter(([f]) => f in cmp.ft || f in cmp.lt).map(([f, label, fmt]) => <tr key={f} data-field={f}>
      <th scope="row">{label}</th>
      {(['ft', 'lt'] as const).map((side) => (f in cmp[side]
        ? <td key={side} class={`num ${fmt === usd ? sign(cmp[side][f] as string) ?? '' : ''}`} data-side={side} data-value={raw(cmp[side][f])}>
          {fmt(cmp[side][f] === null ? null : String(cmp[side][f]))}</td>
        : <td key={side} data-side={side} aria-label="not applicable" />))}
    </tr>)}</tbody></table></div>;
}

export function TargetBadges({ targets }: { targets: Target[] }) {
  return <ul class="badges" data-testid="lt-targets" aria-label="Success metrics">{targets.map((t) => {
    const [mark, word] = STATUS[t.status] ?? ['?', t.status];
    return <li key={t.metric} class={`badge ${t.status}`} data-testid="lt-target" data-metric={t.metric} data-status={t.status}>
      <span aria-hidden="true">{mark}</span> <b>{TARGETS[t.metric] ?? t.metric}</b>{' '}
      <span data-field="value" data-value={raw(t.value)}>{t.value ?? DASH}</span>{' '}
      <span class="target" data-field="target" data-value={t.target}>target {t.target}</span>{' '}
      <span class="word">{word}</span></li>;
  })}</ul>;
}

/** LT − FT = delay + execution + fees + opportunity + sizing: a waterfall from FT P&L to LT P&L, beside its table */
export function GapSection({ gap }: { gap: Comparison['gap'] }) {
  const start: Step = { key: 'ft_pnl_usd', label: 'FT', value: gap.ft_pnl_usd };
  const end: Step = { key: 'lt_pnl_usd', label: 'LT', value: gap.lt_pnl_usd };
  const SHORT: Record<string, string> = { execution_usd: 'Exec.', opportunity_usd: 'Opp.' }; // fits 390 px
  const steps: Step[] = GAP_PARTS.map(([f, label]) => ({ key: f, label: SHORT[f] ?? label, value: gap[f] }));
  const row = (f: keyof GapFigures, label: string, note: string, strong = false) => <tr key={f} data-field={f} class={strong ? 'total' : undefined}>
    <th scope="row">{label}</th><td class={`num ${sign(gap[f]) ?? ''}`} data-value={gap[f]}>{usd(gap[f])}</td><td class="note">{note}</td></tr>;
  return <div class="pair">
    <Waterfall testid="gap-chart" title="FT P&L → LT P&L (USDC)" start={start} steps={steps} end={end} yLabel="USDC" />
    <div>
      <div class="scroll"><table data-testid="lt-gap"><caption>Why LT differs from FT</caption><tbody>
        {row('lt_pnl_usd', 'LT P&L', 'live, at the horizon price')}{row('ft_pnl_usd', 'FT P&L', 'paper, same signals')}
        {row('total_usd', 'LT \u2212 FT', 'the gap', true)}{GAP_PARTS.map(([f, label, note]) => row(f, label, note))}
      </tbody></table></div>
      <p class="note" data-testid="gap-counts">{count(gap.signals)} signals, {count(gap.not_mirrored)} not mirrored, {count(gap.pending)} pending</p>
    </div>
  </div>;
}

export function EquityChart({ s }: { s: StrategySeries }) {
  return <LineChart testid="equity-chart" title={`P&L since launch (${when(s.launched_at)}), USDC`} yLabel="USDC" series={[
    { label: 'FT (paper)', color: '#8a63d2', points: s.equity.ft }, { label: 'LT (live)', color: '#2e5aac', points: s.equity.lt }]} />;
}

export function FillRateChart({ s }: { s: StrategySeries }) {
  const points = s.fill_rate.filter((b) => b.fill_rate !== null).map((b) => ({ t: b.t, v: b.fill_rate as string }));
  if (points.length === 0) return <p class="empty" data-testid="fill-rate-empty">No finished orders yet.</p>;
  if (points.length === 1) { // one period: a line needs two
    const b = s.fill_rate.find((x) => x.fill_rate !== null)!;
    return <p data-testid="fill-rate-one" data-value={b.fill_rate ?? 'null'}>One period so far ({when(b.t)}): {ratio(b.fill_rate, 1)} filled
      over {count(b.orders)} order{b.orders === 1 ? '' : 's'}. The chart starts with the second period.</p>;
  }
  return <LineChart testid="fill-rate-chart" title="Fill rate per period (1 = 100 %)" height={200} series={[{ label: 'fill rate', color: '#067647', points }]} />;
}

export function Distributions({ s }: { s: StrategySeries }) {
  const any = (b: { count: number }[]) => b.some((x) => x.count > 0);
  return <div class="grid">
    {any(s.slippage.buckets) ? <Histogram testid="slippage-chart" title="Signal slippage" unit={s.slippage.unit === 'pct' ? '%' : s.slippage.unit} buckets={s.slippage.buckets} />
      : <p class="empty" data-testid="slippage-empty">No slippage measured yet.</p>}
    {any(s.slippage_ticks.buckets) ? <Histogram testid="slippage-ticks-chart" title="Signal slippage in ticks" unit="ticks" color="#8a63d2" buckets={s.slippage_ticks.buckets} />
      : null}
    {any(s.latency.buckets) ? <Histogram testid="latency-chart" title="Order latency" unit={s.latency.unit} color="#b54708" buckets={s.latency.buckets} />
      : <p class="empty" data-testid="latency-empty">No latency measured yet.</p>}
  </div>;
}

const limitValue = (l: RiskLimit, v: string) => (l.unit === 'ratio' ? ratio(v) : usd(v));

export function RiskState({ risk }: { risk: StrategySeries['risk'] }) {
  return <>
    <div class="scroll"><table data-testid="risk-limits"><caption>Limits used</caption>
      <thead><tr><th>Limit</th><th class="num">Used</th><th class="num">Limit</th><th class="num">Share</th><th /></tr></thead>
      <tbody>{risk.limits.map((l) => <tr key={l.name} data-key={l.name}>
        <th scope="row">{l.label}</th>
        <td class="num" data-field="used" data-value={l.used}>{limitValue(l, l.used)}</td>
        <td class="num" data-field="limit" data-value={l.limit}>{limitValue(l, l.limit)}</td>
        <td class="num" data-field="ratio" data-value={raw(l.ratio)}>{ratio(l.ratio, 1)}</td>
        <td><meter min={0} max={1} low={0.7} high={0.9} optimum={0} value={Math.min(1, Number(l.ratio ?? 0))} aria-label={`${l.label} used`} /></td>
      </tr>)}</tbody></table></div>
    {risk.breakers.length === 0 ? <p class="note" data-testid="breakers">No breakers set.</p>
      : <ul class="badges" data-testid="breakers" aria-label="Breakers">{risk.breakers.map((b: Breaker) =>
        <li key={b.name} class={`badge ${b.tripped ? 'red' : 'green'}`} data-key={b.name} data-tripped={String(b.tripped)}>
          {b.tripped ? '\u2717' : '\u2713'} {b.label}: {b.tripped ? `tripped${b.reason ? ` (${b.reason})` : ''}${b.at ? ` at ${when(b.at)}` : ''}` : 'not tripped'}</li>)}</ul>}
  </>;
}

export function PositionsTable({ body }: { body: Positions }) {
  if (body.positions.length === 0) return <p class="empty" data-testid="lt-positions">No open positions.</p>;
  const cell = (f: string, v: string | null, shown: string, cls?: string) =>
    <td class={`num ${cls ?? ''}`} data-field={f} data-value={raw(v)}>{shown}</td>;
  return <div class="scroll"><table data-testid="lt-positions">
    <caption>Open positions ({body.count}, {body.book} book{body.count > body.positions.length
      ? `; the newest ${body.positions.length} shown` : ''}), valued at the gap's mark</caption>
    <thead><tr><th>Market</th><th>Outcome</th><th class="num">Shares</th><th class="num">Cost</th><th class="num">Mark price</th>
      <th>Mark</th><th class="num">Value</th><th class="num">Unrealized P&L</th></tr></thead>
    <tbody>{body.positions.map((p) => <tr key={`${p.ft_order_id}:${p.token_id}`} data-ft-order-id={p.ft_order_id} data-token-id={p.token_id}>
      <td data-field="market" class="market" title={p.condition_id}>{p.market ?? DASH}</td>
      <td data-field="outcome">{p.outcome ?? DASH}</td>
      {cell('shares', p.shares, shares(p.shares))}{cell('cost_usd', p.cost_usd, usd(p.cost_usd))}
      {cell('mark_price', p.mark_price, price(p.mark_price))}
      <td data-field="mark" data-value={raw(p.mark)}>{isNull(p.mark) ? DASH : MARKS[p.mark] ?? p.mark}</td>
      {cell('value_usd', p.value_usd, usd(p.value_usd))}
      {cell('unrealized_pnl_usd', p.unrealized_pnl_usd, usd(p.unrealized_pnl_usd), sign(p.unrealized_pnl_usd))}
    </tr>)}</tbody></table></div>;
}

export function AlertsList({ alerts, acked, onAck }: {
  alerts: Alert[]; acked: Map<string, string> | null; onAck: (alertId: string) => Promise<void>;
}) {
  if (alerts.length === 0) return <p class="empty" data-testid="alerts">No alerts for this strategy.</p>;
  return <ul class="alerts" data-testid="alerts">{alerts.map((a) => {
    const at = acked?.get(a.alert_id) ?? null;
    return <li key={a.alert_id} data-alert-id={a.alert_id} data-acknowledged={at ? 'true' : 'false'} class={`alert ${a.severity}${at ? ' acked' : ''}`}>
      <span class="sev">{a.severity}</span> <time dateTime={a.fired_at}>{when(a.fired_at)}</time> <b>{a.kind}</b>
      {a.system ? ' (system)' : ''}: <span data-field="message">{a.message}</span>
      {a.suppressed ? <span class="note"> (+{a.suppressed} suppressed, last {when(a.last_seen_at)})</span> : null}{' '}
      {at ? <span class="note" data-field="acknowledged_at" data-value={at}>acknowledged {when(at)}</span>
        : acked ? <AckButton onAck={() => onAck(a.alert_id)} /> : null}
    </li>;
  })}</ul>;
}

function AckButton({ onAck }: { onAck: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return <>
    <button type="button" class="small" data-action="acknowledge" disabled={busy} onClick={async () => {
      setBusy(true);
      setError(null);
      try {
        await onAck();
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setBusy(false);
      }
    }}>Acknowledge</button>
    {error ? <span class="error" role="alert"> {error}</span> : null}
  </>;
}
