/** Response schemas of the series, overview and events routes (OpenAPI components), and the formatting into them */
import { z } from '@hono/zod-openapi';
import type { LimitUse } from '../../domain/metrics/risk-usage.ts';
import type { HistogramBucket, Point } from '../../domain/metrics/series.ts';
import { formatMicros } from '../../domain/money.ts';
import type { Breaker } from '../../store/series-store.ts';

const Decimal = (description: string) => z.string().regex(/^-?\d+(\.\d+)?$/).openapi({ description });
const Iso = (description: string) => z.string().openapi({ description, format: 'date-time' });

export const PointSchema = z.object({
  t: Iso('When (UTC)'),
  v: Decimal('P&L in USDC, 6 decimals'),
}).openapi('SeriesPoint');

const bucket = <T extends z.ZodType>(edge: T, name: string) => z.object({
  lo: edge.nullable().openapi({ description: 'Lower edge (inclusive); null: unbounded' }),
  hi: edge.nullable().openapi({ description: 'Upper edge (exclusive); null: unbounded' }),
  count: z.number().int().openapi({ description: 'Finished orders in the bucket' }),
}).openapi(name);
const DecimalBucket = bucket(Decimal('An edge as a decimal string'), 'HistogramBucket');
const MsBucket = bucket(z.number().int().openapi({ description: 'An edge in milliseconds' }), 'LatencyBucket');

const LimitSchema = z.object({
  name: z.string().openapi({ description: 'capital, max_position_per_market, max_total_exposure, daily_budget, daily_loss or drawdown' }),
  label: z.string().openapi({ description: 'For display' }),
  unit: z.enum(['usd', 'ratio']).openapi({ description: 'usd: used and limit in USDC; ratio: fractions (drawdown)' }),
  used: Decimal('What is used now'),
  limit: Decimal('The limit (capital: equity)'),
  ratio: Decimal('used / limit (0..1, above 1 when over)').nullable(),
}).openapi('RiskLimitUse');

const BreakerSchema = z.object({
  name: z.string().openapi({ description: 'kill_switch, paused, venue, daily_loss or drawdown' }),
  label: z.string().openapi({ description: 'For display' }),
  tripped: z.boolean().openapi({ description: 'Holds new orders now' }),
  reason: z.string().nullable().openapi({ description: 'Why (the operator\'s reason, the venue\'s problems, the figure)' }),
  at: Iso('Since when, when known').nullable(),
}).openapi('RiskBreaker');

export const SeriesSchema = z.object({
  strategy_id: z.string(),
  launched_at: Iso('Launch; the series start here').nullable(),
  equity: z.object({
    ft: z.array(PointSchema).openapi({ description: 'FT P&L since launch (one point per change, bucketed above 500 points)' }),
    lt: z.array(PointSchema).openapi({ description: 'LT P&L since launch, same basis' }),
  }),
  fill_rate: z.array(z.object({
    t: Iso('Bucket start'),
    orders: z.number().int().openapi({ description: 'Orders whose signal falls in the bucket' }),
    fill_rate: Decimal('Filled / intended shares of the bucket\'s finished orders, capped at 1').nullable(),
  }).openapi('FillRateBucket')),
  slippage: z.object({ unit: z.literal('pct'), buckets: z.array(DecimalBucket) }).openapi('SlippageHistogram'),
  slippage_ticks: z.object({ buckets: z.array(DecimalBucket) }).openapi('SlippageTicksHistogram'),
  latency: z.object({ unit: z.literal('ms'), buckets: z.array(MsBucket) }).openapi('LatencyHistogram'),
  risk: z.object({ limits: z.array(LimitSchema), breakers: z.array(BreakerSchema) }).openapi('RiskState'),
}).openapi('StrategySeries');

const TargetSchema = z.object({
  metric: z.string(),
  status: z.enum(['green', 'red', 'no_data']),
  value: z.string().nullable().openapi({ description: 'The measured value, worded' }),
  target: z.string().openapi({ description: 'The target, worded' }),
}).openapi('TargetLight');

const FtRow = z.object({
  wallet_id: z.string(), name: z.string().nullable(), description: z.string().nullable(), is_active: z.boolean(),
  starting_balance: Decimal('USDC'), cash: Decimal('USDC'), realized_pnl: Decimal('USDC'),
  unrealized_pnl: Decimal('Open positions at the market price; null when a market has no usable price').nullable(),
  pnl: Decimal('realized + unrealized'), orders: z.number().int(), open: z.number().int(), won: z.number().int(),
  lost: z.number().int(), win_rate: Decimal('won / (won + lost)').nullable(),
  live: z.array(z.string()).openapi({ description: 'Your active LT strategies that mirror it' }),
  sparkline: z.array(PointSchema).openapi({ description: 'Cumulative realized P&L (≤ 50 points), last point: pnl now' }),
}).openapi('OverviewFtRow');

const LtRow = z.object({
  strategy_id: z.string(), ft_wallet_id: z.string(), mode: z.enum(['live', 'shadow']),
  status: z.enum(['not_launched', 'active', 'paused', 'stopped']), pause_reason: z.string().nullable(),
  launched_at: Iso('First launch').nullable(), equity: Decimal('USDC, the current book'),
  pnl: Decimal('LT P&L since launch, as /comparison'), net_deposits: Decimal('USDC'),
  win_rate: Decimal('won / (won + lost) since launch').nullable(), targets: z.array(TargetSchema),
  sparkline: z.array(PointSchema).openapi({ description: 'LT P&L since launch (≤ 50 points)' }),
}).openapi('OverviewLtRow');

export const OverviewSchema = z.object({
  as_of: Iso('When the figures were read'),
  kill_switch: z.object({ engaged: z.boolean(), reason: z.string().nullable(), set_at: Iso('Last set').nullable() })
    .openapi('KillSwitchState'),
  ft: z.array(FtRow),
  lt: z.array(LtRow),
}).openapi('Overview');

export const ChangeEventSchema = z.object({
  version: z.string().openapi({ description: 'Opaque; differs whenever anything the dashboard shows changed' }),
  at: Iso('When the change was seen'),
}).openapi('ChangeEvent');

export const usd = (v: bigint): string => formatMicros(v);
export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
export const pointsJson = (ps: readonly Point[]) => ps.map((p) => ({ t: p.t.toISOString(), v: usd(p.v) }));
export const decimalBuckets = (bs: readonly HistogramBucket[]) =>
  bs.map((b) => ({ lo: b.lo === null ? null : formatMicros(b.lo), hi: b.hi === null ? null : formatMicros(b.hi), count: b.count }));
export const msBuckets = (bs: readonly HistogramBucket[]) =>
  bs.map((b) => ({ lo: b.lo === null ? null : Number(b.lo), hi: b.hi === null ? null : Number(b.hi), count: b.count }));
export const limitJson = (l: LimitUse) => ({ name: l.name, label: l.label, unit: l.unit, used: usd(l.used), limit: usd(l.limit),
  ratio: l.ratio === null ? null : usd(l.ratio) });
export const breakerJson = (b: Breaker) => ({ name: b.name, label: b.label, tripped: b.tripped, reason: b.reason, at: iso(b.at) });
