// One LT order (GET /api/lt/orders/{id}): the FT signal it mirrors, the intent (the book then, the expected slippage),
// every fill leg, fees, the quality score's components, its gap leg and its audit trail
import { useRoute } from 'preact-iso';
import { useResource } from '../live.ts';
import { DASH, ms, pct, price, ratio, shares, sign, trim, usd, when } from '../format.ts';
import { Facts, type FactItem } from '../components/facts.tsx';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';
import type { OrderDetail, OrderRow } from '../lt-types.ts';
import { marketName } from './orders-table.tsx';
import { GAP_PARTS } from './strategy-parts.tsx';

const f = (field: string, label: string, raw: string | number | null, shown: string, cls?: string): FactItem =>
  ({ field, label, raw, shown, cls });
/** An id or hash: its own row */
const long = (field: string, label: string, raw: string | null): FactItem => ({ field, label, raw, shown: raw ?? DASH, long: true });

function Summary({ o }: { o: OrderRow }) {
  return <Facts testid="order-facts" items={[
    f('display_status', 'Status', o.display_status, o.display_status.replace('_', ' ')),
    f('side', 'Side', o.side, o.side), f('order_type', 'Type', o.order_type, o.order_type),
    f('signal_at', 'Signal at', o.signal_at, when(o.signal_at)), f('submitted_at', 'Submitted', o.submitted_at, when(o.submitted_at)),
    f('requested_usd', 'Requested USDC', o.requested_usd, usd(o.requested_usd)),
    f('requested_shares', 'Requested shares', o.requested_shares, shares(o.requested_shares)),
    long('trace_id', 'Trace id (logs)', o.trace_id),
    f('filled_shares', 'Filled shares', o.filled_shares, shares(o.filled_shares)), f('filled_usd', 'Filled USDC', o.filled_usd, usd(o.filled_usd)),
    f('avg_price', 'Avg price', o.avg_price, price(o.avg_price)), f('limit_price', 'Limit price', o.limit_price, price(o.limit_price)),
    f('fill_rate', 'Fill rate', o.fill_rate, ratio(o.fill_rate)),
    f('signal_slippage_pct', 'Slippage vs signal', o.signal_slippage_pct, pct(o.signal_slippage_pct)),
    f('slippage_ticks', 'Slippage (ticks)', o.slippage_ticks, trim(o.slippage_ticks)),
    f('slippage_cents', 'Slippage (cents)', o.slippage_cents, trim(o.slippage_cents)),
    f('order_latency_ms', 'Order latency', o.order_latency_ms, ms(o.order_latency_ms)),
    f('fees_usd', 'Fees', o.fees_usd, usd(o.fees_usd)),
  ]} />;
}

function Signal({ d }: { d: OrderDetail }) {
  const s = d.signal;
  const t = s.source_trade;
  return <section class="card" data-testid="signal"><h2>FT signal</h2>
    <Facts testid="signal-facts" items={[
      long('ft_order_id', 'FT order', s.ft_order_id), long('trader', 'Trader', s.trader),
      f('ft_price', 'FT price', s.ft_price, price(s.ft_price)), f('ft_size_usd', 'FT size', s.ft_size_usd, usd(s.ft_size_usd)),
      f('ft_shares', 'FT shares', s.ft_shares, shares(s.ft_shares)), f('signal_price', 'Signal price', d.order.signal_price, price(d.order.signal_price)),
    ]} />
    {t ? <Facts testid="source-trade" items={[
      long('trade_id', 'Source trade', t.trade_id), long('tx_hash', 'Transaction', t.tx_hash),
      f('side', 'Trader side', t.side, t.side), f('price', 'Trader price', t.price, price(t.price)),
      f('size', 'Trader size', t.size, shares(t.size)), f('at', 'Traded at', t.at, when(t.at)),
    ]} /> : <p class="note" data-testid="source-trade">No source trade recorded.</p>}
    <p class="note">Mirrors <a href={paths.ft(s.ft_wallet_id)}>{s.ft_wallet_id}</a></p>
  </section>;
}

function Intent({ d }: { d: OrderDetail }) {
  const i = d.intent;
  return <section class="card" data-testid="intent"><h2>Intent</h2>
    {i ? <Facts testid="intent-facts" items={[
      f('at', 'Decided at', i.at, when(i.at)), f('best_bid', 'Best bid', i.best_bid, price(i.best_bid)),
      f('best_ask', 'Best ask', i.best_ask, price(i.best_ask)), f('mid', 'Mid', i.mid, price(i.mid)),
      f('tick_size', 'Tick', i.tick_size, price(i.tick_size)),
      f('expected_slippage_pct', 'Expected slippage', i.expected_slippage_pct, pct(i.expected_slippage_pct)),
      f('limit_price', 'Limit price', i.limit_price, price(i.limit_price)),
      f('size_shares', 'Size (shares)', i.size_shares, shares(i.size_shares)), f('size_usd', 'Size (USDC)', i.size_usd, usd(i.size_usd)),
    ]} /> : <p class="empty">No intent recorded.</p>}
  </section>;
}

function Fills({ d }: { d: OrderDetail }) {
  return <section class="card wide" data-testid="fills-card"><h2>Fills</h2>
    {d.fills.length === 0 ? <p class="empty" data-testid="fills">No fills.</p>
      : <div class="scroll"><table data-testid="fills"><caption>{d.fills.length} fill{d.fills.length === 1 ? '' : 's'}, fees {usd(d.fees_usd)}</caption>
        <thead><tr><th>At</th><th>Role</th><th class="num">Price</th><th class="num">Shares</th><th class="num">USDC</th><th class="num">Fee</th></tr></thead>
        <tbody>{d.fills.map((x) => <tr key={x.fill_id} data-key={x.fill_id}>
          <td data-field="at" data-value={x.at}>{when(x.at)}</td><td data-field="role" data-value={x.role ?? 'null'}>{x.role ?? DASH}</td>
          <td class="num" data-field="price" data-value={x.price}>{price(x.price)}</td>
          <td class="num" data-field="shares" data-value={x.shares}>{shares(x.shares)}</td>
          <td class="num" data-field="usd" data-value={x.usd}>{usd(x.usd)}</td>
          <td class="num" data-field="fee_usd" data-value={x.fee_usd}>{usd(x.fee_usd)}</td></tr>)}</tbody></table></div>}
    <p data-testid="order-fees" data-value={d.fees_usd}>Fees in total: {usd(d.fees_usd)}</p>
  </section>;
}

function Quality({ d }: { d: OrderDetail }) {
  const q = d.quality;
  return <section class="card" data-testid="quality"><h2>Quality</h2>
    <p>Score <b data-field="score" data-value={q.score ?? 'null'}>{trim(q.score)}</b>{q.version ? <span class="note"> ({q.version})</span> : null}</p>
    {q.components.length ? <div class="scroll"><table data-testid="quality-components"><caption>Components</caption>
      <thead><tr><th>Component</th><th class="num">Value</th><th class="num">Weight</th></tr></thead>
      <tbody>{q.components.map((c) => <tr key={c.name} data-key={c.name}><th scope="row">{c.name}</th>
        <td class="num" data-field="value" data-value={c.value ?? 'null'}>{trim(c.value)}</td>
        <td class="num" data-field="weight" data-value={c.weight}>{trim(c.weight)}</td></tr>)}</tbody></table></div>
      : <p class="empty">No components (not scored yet).</p>}
  </section>;
}

function GapLeg({ d }: { d: OrderDetail }) {
  const g = d.gap_leg;
  return <section class="card" data-testid="gap-leg"><h2>Gap leg</h2>
    {g ? <>
      <p class="note">{g.leg} · {g.disposition}{g.rule ? ` (${g.rule})` : ''} · horizon {price(g.horizon_price)} ({g.horizon})</p>
      <Facts testid="gap-leg-facts" items={[
        f('lt_pnl_usd', 'LT P&L', g.lt_pnl_usd, usd(g.lt_pnl_usd), sign(g.lt_pnl_usd)),
        f('ft_pnl_usd', 'FT P&L', g.ft_pnl_usd, usd(g.ft_pnl_usd), sign(g.ft_pnl_usd)),
        f('total_usd', 'LT \u2212 FT', g.total_usd, usd(g.total_usd), sign(g.total_usd)),
        ...GAP_PARTS.map(([k, label]) => f(k, label, g[k], usd(g[k]), sign(g[k]))),
      ]} /></> : <p class="empty">Not in the gap yet.</p>}
  </section>;
}

function Audit({ d }: { d: OrderDetail }) {
  return <section class="card wide" data-testid="audit-card"><h2>Audit trail</h2>
    {d.audit.length === 0 ? <p class="empty" data-testid="audit">No events.</p>
      : <ol class="audit" data-testid="audit">{d.audit.map((a, i) => <li key={i} data-event={a.event}>
        <time dateTime={a.at}>{when(a.at)}</time> <b>{a.event}</b>
        {a.detail !== null && a.detail !== undefined && !(typeof a.detail === 'object' && Object.keys(a.detail).length === 0)
          ? <code class="detail">{typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail, (_k, v: unknown) => (v === null ? DASH : v))}</code> : null}</li>)}</ol>}
  </section>;
}

export function OrderPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const r = useResource<OrderDetail>(`/api/lt/orders/${encodeURIComponent(id)}`);
  const o = r.data?.order;
  return (
    <div class="page" data-testid="order-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › {o ? <a href={paths.lt(o.strategy_id)} data-testid="back-to-strategy">{o.strategy_id}</a> : '…'}
        {' '}› <a href={paths.orders(o ? `strategy_id=${encodeURIComponent(o.strategy_id)}` : '')}>Orders</a> › {id}</p>
      <h1>{o ? `${o.side} ${marketName(o.market)}` : `Order ${id}`} <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <View r={r} testid="order">
        {(d) => <>
          <p class="meta">Order <code>{d.order.order_id}</code> of <a href={paths.lt(d.order.strategy_id)}>{d.order.strategy_id}</a>
            {' '}· token <code class="token">{d.order.market.token_id}</code></p>
          <Summary o={d.order} />
          <div class="grid"><Signal d={d} /><Intent d={d} /><Fills d={d} /><Quality d={d} /><GapLeg d={d} /><Audit d={d} /></div>
        </>}
      </View>
    </div>
  );
}
