// Every LT order of the signed-in user, newest first, filtered by strategy, status, side and signal time; the filters
// live in the URL (/orders?strategy_id=…&status=…) so a view can be bookmarked; "Load more" follows the API's cursor
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api.ts';
import { useResource } from '../live.ts';
import { ErrorNote, Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';
import type { LtItem } from '../types.ts';
import type { OrderList, OrderRow } from '../lt-types.ts';
import { OrdersTable } from './orders-table.tsx';

const FILTERS = ['strategy_id', 'status', 'side', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;
const STATUSES = ['filled', 'partially_filled', 'open', 'pending', 'cancelled', 'rejected'];
const PAGE = 100;

/** The filters as a query string, in a fixed order, empty ones left out */
export function filterQuery(f: Filters): string {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) q.set(k, f[k]!);
  return q.toString();
}
/** An ISO time as a datetime-local input's value (the browser's zone), and back */
const toLocal = (iso?: string) => {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocal = (v: string) => (v ? new Date(v).toISOString() : '');

function FilterForm(props: { value: Filters; onChange: (f: Filters) => void }) {
  const strategies = useResource<{ strategies: LtItem[] }>('/api/lt/strategies');
  const v = props.value;
  const set = (k: keyof Filters, x: string) => props.onChange({ ...v, [k]: x });
  const input = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
  return (
    <form class="filters" data-testid="order-filters" onSubmit={(e) => e.preventDefault()}>
      <label>Strategy <select name="strategy_id" value={v.strategy_id ?? ''} onChange={(e) => set('strategy_id', input(e))}>
        <option value="">all</option>
        {(strategies.data?.strategies ?? []).map((s) => <option key={s.strategy.strategy_id}>{s.strategy.strategy_id}</option>)}
        {v.strategy_id && !strategies.data?.strategies.some((s) => s.strategy.strategy_id === v.strategy_id)
          ? <option>{v.strategy_id}</option> : null}
      </select></label>
      <label>Status <select name="status" value={v.status ?? ''} onChange={(e) => set('status', input(e))}>
        <option value="">all</option>{STATUSES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}</select></label>
      <label>Side <select name="side" value={v.side ?? ''} onChange={(e) => set('side', input(e))}>
        <option value="">both</option><option>BUY</option><option>SELL</option></select></label>
      <label>From <input name="from" type="datetime-local" value={toLocal(v.from)} onChange={(e) => set('from', fromLocal(input(e)))} /></label>
      <label>To <input name="to" type="datetime-local" value={toLocal(v.to)} onChange={(e) => set('to', fromLocal(input(e)))} /></label>
      {filterQuery(v) ? <button type="button" class="link" onClick={() => props.onChange({})}>Clear filters</button> : null}
    </form>
  );
}

export function OrdersPage() {
  const loc = useLocation();
  const filters: Filters = Object.fromEntries(FILTERS.filter((k) => loc.query[k]).map((k) => [k, loc.query[k]!]));
  const query = filterQuery(filters);
  // the page size may be set in the URL too (limit=1..500)
  const asked = Number(loc.query.limit);
  const size = Number.isInteger(asked) && asked >= 1 && asked <= 500 ? asked : PAGE;
  const first = useResource<OrderList>(`/api/lt/orders?${query ? `${query}&` : ''}limit=${size}`);
  const [more, setMore] = useState<{ rows: OrderRow[]; cursor: string | null; error: Error | null; busy: boolean }>(
    { rows: [], cursor: null, error: null, busy: false });
  useEffect(() => setMore({ rows: [], cursor: null, error: null, busy: false }), [query, size]);
  const next = more.rows.length ? more.cursor : first.data?.next_cursor ?? null;
  const loadMore = async () => {
    if (!next) return;
    setMore((m) => ({ ...m, busy: true, error: null }));
    try {
      const page = await api<OrderList>(`/api/lt/orders?${query ? `${query}&` : ''}limit=${size}&cursor=${encodeURIComponent(next)}`);
      setMore((m) => ({ rows: [...m.rows, ...page.orders], cursor: page.next_cursor, error: null, busy: false }));
    } catch (e) {
      setMore((m) => ({ ...m, error: e as Error, busy: false }));
    }
  };
  return (
    <div class="page" data-testid="orders-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › Orders</p>
      <h1>Orders <Updated at={first.updatedAt} stale={first.stale} /></h1>
      <FilterForm value={filters} onChange={(f) => loc.route(paths.orders([filterQuery(f), size === PAGE ? '' : `limit=${size}`].filter(Boolean).join('&')), true)} />
      <View r={first} testid="orders-list" isEmpty={(d) => d.orders.length === 0} empty="No orders match these filters.">
        {(d) => {
          const rows = [...d.orders, ...more.rows.filter((r) => !d.orders.some((o) => o.order_id === r.order_id))];
          return <>
            <OrdersTable testid="orders-table" caption={`${rows.length} order${rows.length === 1 ? '' : 's'}${next ? ' (more below)' : ''}, newest first`}
              orders={rows} withStrategy />
            {next ? <button type="button" data-testid="load-more" disabled={more.busy} onClick={loadMore}>{more.busy ? 'Loading…' : 'Load more'}</button>
              : <p class="note" data-testid="end-of-list">That is every order.</p>}
            {more.error ? <ErrorNote error={more.error} /> : null}
          </>;
        }}
      </View>
    </div>
  );
}
