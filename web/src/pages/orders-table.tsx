// LT orders as a sortable table (the strategy page's recent orders and the orders page): a row opens the order
import { SortTable, type Column } from '../components/sort-table.tsx';
import { DASH, ms, pct, price, ratio, shares, trim, usd, when } from '../format.ts';
import type { OrderRow } from '../lt-types.ts';
import { paths } from '../routes.ts';

export const marketName = (m: OrderRow['market']): string =>
  `${m.question ?? m.condition_id}${m.outcome ? ` · ${m.outcome}` : ''}`;

const STATUS_WORDS: Record<string, string> = { filled: 'filled', partially_filled: 'partially filled', cancelled: 'cancelled',
  open: 'open', rejected: 'rejected', pending: 'pending' };

/** What was asked: USD for a USD-sized order, else shares */
const requested = (o: OrderRow) => (o.requested_usd !== null ? usd(o.requested_usd) : o.requested_shares !== null ? `${shares(o.requested_shares)} sh` : DASH);

function columns(withStrategy: boolean): Column<OrderRow>[] {
  const cols: Column<OrderRow>[] = [
    { key: 'signal_at', label: 'Signal at', render: (o) => <time dateTime={o.signal_at}>{when(o.signal_at)}</time>, value: (o) => o.signal_at },
    { key: 'market', label: 'Market', render: (o) => <span class="market" title={o.market.token_id}>{marketName(o.market)}</span>,
      value: (o) => marketName(o.market) },
    { key: 'side', label: 'Side', render: (o) => o.side, value: (o) => o.side },
    { key: 'order_type', label: 'Type', render: (o) => o.order_type, value: (o) => o.order_type },
    { key: 'display_status', label: 'Status', render: (o) => <span class={`status ${o.display_status}`} title={`stored: ${o.status}`}>
      {STATUS_WORDS[o.display_status] ?? o.display_status}</span>, value: (o) => o.display_status },
    { key: 'requested', label: 'Requested', numeric: true, render: requested, value: (o) => o.requested_usd ?? o.requested_shares },
    { key: 'filled_shares', label: 'Filled sh', numeric: true, render: (o) => shares(o.filled_shares), value: (o) => o.filled_shares },
    { key: 'filled_usd', label: 'Filled', numeric: true, render: (o) => usd(o.filled_usd), value: (o) => o.filled_usd },
    { key: 'signal_price', label: 'Signal px', numeric: true, render: (o) => price(o.signal_price), value: (o) => o.signal_price },
    { key: 'avg_price', label: 'Avg px', numeric: true, render: (o) => price(o.avg_price), value: (o) => o.avg_price },
    { key: 'fill_rate', label: 'Fill rate', numeric: true, render: (o) => ratio(o.fill_rate, 1), value: (o) => o.fill_rate },
    { key: 'signal_slippage_pct', label: 'Slippage', numeric: true, render: (o) => pct(o.signal_slippage_pct), value: (o) => o.signal_slippage_pct },
    { key: 'slippage_ticks', label: 'Ticks', numeric: true, render: (o) => trim(o.slippage_ticks), value: (o) => o.slippage_ticks },
    { key: 'slippage_cents', label: '¢', numeric: true, render: (o) => trim(o.slippage_cents), value: (o) => o.slippage_cents },
    { key: 'order_latency_ms', label: 'Latency', numeric: true, render: (o) => ms(o.order_latency_ms), value: (o) => o.order_latency_ms },
    { key: 'fees_usd', label: 'Fees', numeric: true, render: (o) => usd(o.fees_usd), value: (o) => o.fees_usd },
    { key: 'quality_score', label: 'Score', numeric: true, render: (o) => trim(o.quality_score), value: (o) => o.quality_score },
  ];
  if (withStrategy) cols.splice(1, 0, { key: 'strategy_id', label: 'Strategy', render: (o) => <a href={paths.lt(o.strategy_id)}>{o.strategy_id}</a>, value: (o) => o.strategy_id });
  return cols;
}

export function OrdersTable(props: { testid: string; caption: string; orders: OrderRow[]; withStrategy?: boolean }) {
  return <SortTable testid={props.testid} caption={props.caption} rows={props.orders} rowKey={(o) => o.order_id}
    rowHref={(o) => paths.order(o.order_id)} columns={columns(props.withStrategy ?? false)} />;
}
