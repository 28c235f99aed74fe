// A paper (FT) strategy: its results, its configuration, why trades were skipped, and its paper orders (newest first,
// a page at a time along the API's cursor); "Promote to live" opens the create flow for it
import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useResource } from '../live.ts';
import { count, price, ratio, shares, sign, usd, when } from '../format.ts';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';
import type { FtSummary } from '../types.ts';

interface FtOrder {
  order_id: string; market_title: string | null; token_label: string | null; trader_address: string; trader_price: string;
  entry_price: string; size: string; shares: string; outcome: string; pnl: string | null; order_time: string;
}
interface FtDetail { wallet: Record<string, unknown>; summary?: FtSummary; skipped: Record<string, number> }

function Results({ s }: { s: FtSummary }) {
  const items: [string, string, string][] = [['starting_balance', 'Starting balance', usd(s.starting_balance)],
    ['cash', 'Cash', usd(s.cash)], ['realized_pnl', 'Realized P&L', usd(s.realized_pnl)],
    ['open_exposure', 'Open exposure', usd(s.open_exposure)], ['orders', 'Orders', count(s.orders)], ['open', 'Open', count(s.open)],
    ['won', 'Won', count(s.won)], ['lost', 'Lost', count(s.lost)], ['win_rate', 'Win rate', ratio(s.win_rate, 1)]];
  return <dl class="facts" data-testid="ft-results">{items.map(([f, label, text]) => (
    <div key={f} data-field={f} data-value={String((s as unknown as Record<string, unknown>)[f] ?? 'null')}>
      <dt>{label}</dt><dd class={f === 'realized_pnl' ? sign(s.realized_pnl) : undefined}>{text}</dd></div>))}</dl>;
}

const shown = (v: unknown): string => (v === null || v === undefined ? '–' : Array.isArray(v) ? (v.length ? v.join(', ') : '–') : String(v));

function Config({ wallet }: { wallet: Record<string, unknown> }) {
  return <details data-testid="ft-config"><summary>Configuration ({Object.keys(wallet).length} settings)</summary>
    <div class="scroll"><table><tbody>{Object.entries(wallet).map(([k, v]) => (
      <tr key={k} data-field={k}><th scope="row"><code>{k}</code></th><td class="wrap">{shown(v)}</td></tr>))}</tbody></table></div>
  </details>;
}

function Skips({ skipped }: { skipped: Record<string, number> }) {
  const rows = Object.entries(skipped).sort((a, b) => b[1] - a[1]);
  if (!rows.length) return <p class="note" data-testid="ft-skips">No trade skipped yet.</p>;
  return <div class="scroll"><table data-testid="ft-skips"><caption>Trades skipped, by rule</caption><tbody>{rows.map(([rule, n]) => (
    <tr key={rule} data-field={rule}><th scope="row">{rule.replace(/_/g, ' ')}</th><td class="num" data-value={String(n)}>{n}</td></tr>))}</tbody></table></div>;
}

/** The paper orders, newest first: the first page live, older pages on "Load more" */
function Orders({ id }: { id: string }) {
  const first = useResource<{ orders: FtOrder[]; next_cursor: string | null }>(`/api/ft/wallets/${encodeURIComponent(id)}/orders?limit=50`);
  const [older, setOlder] = useState<FtOrder[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { setOlder([]); setCursor(first.data?.next_cursor ?? null); }, [first.data]);
  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api<{ orders: FtOrder[]; next_cursor: string | null }>(
        `/api/ft/wallets/${encodeURIComponent(id)}/orders?limit=50&cursor=${encodeURIComponent(cursor)}`);
      setOlder((o) => [...o, ...page.orders]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return <View r={first} testid="ft-orders" isEmpty={(d) => d.orders.length === 0} empty={<p>No paper orders yet.</p>}>
    {(d) => <>
      <div class="scroll"><table><caption>Paper orders, newest first ({d.orders.length + older.length} shown)</caption>
        <thead><tr><th>At</th><th>Market</th><th>Outcome</th><th class="num">Trader price</th><th class="num">Entry</th>
          <th class="num">Size</th><th class="num">Shares</th><th>Result</th><th class="num">P&amp;L</th></tr></thead>
        <tbody>{[...d.orders, ...older].map((o) => <tr key={o.order_id} data-key={o.order_id}>
          <td>{when(o.order_time)}</td><td class="wrap">{o.market_title ?? '–'}</td><td>{o.token_label ?? '–'}</td>
          <td class="num">{price(o.trader_price)}</td><td class="num">{price(o.entry_price)}</td><td class="num">{usd(o.size)}</td>
          <td class="num">{shares(o.shares)}</td><td>{o.outcome.toLowerCase()}</td>
          <td class={`num ${sign(o.pnl) ?? ''}`} data-value={o.pnl ?? 'null'}>{usd(o.pnl)}</td></tr>)}</tbody></table></div>
      {cursor ? <button type="button" data-action="more" onClick={more}>Load more</button> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
    </>}
  </View>;
}

export function FtPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const r = useResource<FtDetail>(`/api/ft/wallets/${encodeURIComponent(id)}`);
  return (
    <div class="page" data-testid="ft-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › {id}</p>
      <h1>{id} <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <View r={r} testid="ft-detail">
        {(d) => <>
          <p><a class="button primary" data-testid="promote" href={paths.create(id)}>Promote to live</a></p>
          {d.summary ? <Results s={d.summary} /> : null}
          <Config wallet={d.wallet} />
          <Skips skipped={d.skipped} />
        </>}
      </View>
      <h2>Paper orders</h2>
      <Orders id={id} />
    </div>
  );
}
