/**
 * One LT order with everything the order page shows: the FT signal (trader, source trade, FT's price and size), the
 * intent (the book at intent and the expected slippage), every fill leg, the quality score with its components, the
 * FT–LT gap leg, and the audit trail (the order's own transitions and the operator commands that touched it)
 */
import { legFigures } from '../domain/metrics/order-view.ts';
import { slippagePct } from '../domain/metrics/execution.ts';
import { formatMicros } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { strategyGap, type GapLeg } from './gap-store.ts';
import { dateOrNull, micros, microsOrNull } from './rows.ts';
import { orderViewOf, type OrderView } from './order-view-store.ts';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
const text = (v: unknown): string | null => (v === null || v === undefined ? null : formatMicros(micros(v)));

export interface AuditEvent { at: Date; event: string; detail: string | null }

export interface OrderDetail {
  view: OrderView;
  signal: ReturnType<typeof signalOf>;
  intent: ReturnType<typeof intentOf>;
  quality: { score: string | null; version: string | null; components: { name: string; value: string | null; weight: string }[] };
  gapLeg: GapLeg | null;
  audit: AuditEvent[];
}

const DETAIL_SQL = `SELECT o.intent_at, o.signal_size_usd::text, o.best_bid::text, o.best_ask::text, o.mid_price::text, o.expected_vwap::text,
    o.acked_at, o.cancel_requested_at, o.terminal_at, o.last_checked_at, o.reject_reason, o.reject_text, o.venue,
    o.venue_order_id, o.is_shadow, f.wallet_id, f.trader_address, f.entry_price::text, f.size::text AS ft_size,
    f.shares::text AS ft_shares, c.price::text AS exit_price, c.proceeds::text AS exit_proceeds,
    c.shares::text AS exit_shares, st.trade_key, nullif(st.transaction_hash, '') AS tx_hash, st.price::text AS trade_price,
    st.size::text AS trade_size, st.side AS trade_side, st.trade_time, q.quality_score::text, q.quality_version,
    q.quality_components
  FROM orders o JOIN lt_orders l ON l.order_id = o.order_id JOIN ft_orders f ON f.order_id = l.ft_order_id
  LEFT JOIN ft_closes c ON l.leg <> 'entry' AND c.order_id = l.ft_order_id AND 'exit:' || c.close_id = l.leg
  LEFT JOIN source_trades st ON st.trade_key = l.source_trade_id
  LEFT JOIN lt_execution_quality q ON q.order_id = o.order_id
  WHERE o.order_id = $1`;

function signalOf(v: OrderView, r: Record<string, unknown>) {
  const entry = v.leg === 'entry';
  return {
    ft_order_id: v.ftOrderId, ft_wallet_id: r.wallet_id as string, trader: r.trader_address as string,
    source_trade: r.trade_key === null ? null : {
      trade_id: r.trade_key as string, tx_hash: (r.tx_hash as string | null) ?? null, price: text(r.trade_price)!,
      size: text(r.trade_size)!, side: r.trade_side as 'BUY' | 'SELL', at: new Date(r.trade_time as string).toISOString(),
    },
    // An exit leg names its FT close (`exit:<close id>`); the trader's price stands in only if that row were gone
    ft_price: text(entry ? r.entry_price : r.exit_price) ?? formatMicros(v.signalPrice),
    ft_size_usd: text(entry ? r.ft_size : r.exit_proceeds), ft_shares: text(entry ? r.ft_shares : r.exit_shares),
  };
}

function intentOf(v: OrderView, r: Record<string, unknown>) {
  const expected = microsOrNull(r.expected_vwap);
  return {
    at: new Date(r.intent_at as string).toISOString(), best_bid: text(r.best_bid), best_ask: text(r.best_ask),
    mid: text(r.mid_price), tick_size: v.tick === null ? null : formatMicros(v.tick),
    expected_slippage_pct: ((p) => (p === null ? null : formatMicros(p)))(slippagePct(v.side, expected, v.signalPrice)),
    limit_price: formatMicros(v.limitPrice), size_shares: formatMicros(v.requestedShares),
    // what sizing decided (a SELL is sized in shares); the order row's requested_usd is what the order asks at its limit
    size_usd: v.side === 'BUY' ? text(r.signal_size_usd) : null,
  };
}

function qualityOf(r: Record<string, unknown>): OrderDetail['quality'] {
  const raw = (typeof r.quality_components === 'string' ? JSON.parse(r.quality_components) : r.quality_components) as
    { name: string; value: string | null; weight: string }[] | null;
  return { score: (r.quality_score as string | null) ?? null, version: (r.quality_version as string | null) ?? null,
    components: (raw ?? []).map((c) => ({ name: c.name, value: c.value ?? null, weight: c.weight })) };
}

/** The order's own transitions from its recorded times and fill legs, oldest first */
function transitions(v: OrderView, r: Record<string, unknown>): AuditEvent[] {
  const out: AuditEvent[] = [{ at: new Date(r.intent_at as string), event: 'intent',
    detail: `${v.side} ${formatMicros(v.requestedShares)} shares, limit ${formatMicros(v.limitPrice)}, ${v.orderType}${r.is_shadow ? ' (shadow)' : ''}` }];
  if (v.submittedAt) out.push({ at: v.submittedAt, event: 'submitted', detail: `to ${r.venue as string}` });
  const acked = dateOrNull(r.acked_at);
  if (acked) out.push({ at: acked, event: 'acknowledged', detail: (r.venue_order_id as string | null) ?? null });
  for (const f of v.legs) {
    out.push({ at: f.at, event: 'fill', detail: `${formatMicros(f.shares)} @ ${formatMicros(f.price)} (${f.role}), `
      + `${formatMicros(legFigures(v.side, f).usd)} USD` });
  }
  const cancelAsked = dateOrNull(r.cancel_requested_at);
  if (cancelAsked) out.push({ at: cancelAsked, event: 'cancel_requested', detail: null });
  const ended = dateOrNull(r.terminal_at);
  if (ended) {
    const why = [r.reject_reason, r.reject_text].filter((x) => typeof x === 'string' && x !== '').join(': ');
    out.push({ at: ended, event: v.status, detail: why === '' ? null : why });
  }
  const checked = dateOrNull(r.last_checked_at);
  if (v.status === 'lost' && checked) out.push({ at: checked, event: 'lost', detail: 'the venue does not know the order' });
  return out;
}

/** Operator commands whose journal names the order (cancel-open-orders, stop, the kill switch) */
async function commandsOn(sql: Sql, userId: string, orderId: string): Promise<AuditEvent[]> {
  const rows = await sql.query<Record<string, unknown>>(`SELECT command, detail, at FROM lt_audit
    WHERE user_id = $1 AND detail->'orders' @> jsonb_build_array($2::text) ORDER BY at, audit_id`, [userId, orderId]);
  return rows.map((r) => {
    const d = (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>;
    const notCancelled = (d.not_cancelled as { orderId: string; reason: string }[] | undefined)?.find((n) => n.orderId === orderId);
    const outcome = (d.cancelled as string[] | undefined)?.includes(orderId) ? 'cancelled'
      : notCancelled ? `not cancelled: ${notCancelled.reason}` : null;
    const cause = typeof d.cause === 'string' ? `by ${d.cause}` : null;
    return { at: new Date(r.at as string), event: r.command as string, detail: [cause, outcome].filter(Boolean).join(', ') || null };
  });
}

/** The gap leg of the order's signal leg, when the strategy's current book since launch has it */
async function gapLegOf(sql: Sql, userId: string, v: OrderView): Promise<GapLeg | null> {
  const g = await strategyGap(sql, userId, v.strategyId, { ftOrderId: v.ftOrderId });
  return g.legs.find((l) => l.ftOrderId === v.ftOrderId && l.leg === v.leg) ?? null;
}

/** One of the user's orders in full; null when there is none or it is another user's */
export async function orderDetailOf(sql: Sql, userId: string, orderId: string): Promise<OrderDetail | null> {
  const view = await orderViewOf(sql, userId, orderId);
  if (!view) return null;
  const [r] = await sql.query<Record<string, unknown>>(DETAIL_SQL, [orderId]);
  if (!r) return null;
  const audit = [...transitions(view, r), ...(await commandsOn(sql, userId, orderId))]
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return { view, signal: signalOf(view, r), intent: intentOf(view, r), quality: qualityOf(r),
    gapLeg: await gapLegOf(sql, userId, view), audit };
}

/** The audit trail as the API returns it */
export const formatAudit = (events: AuditEvent[]) => events.map((e) => ({ at: iso(e.at)!, event: e.event, detail: e.detail }));
