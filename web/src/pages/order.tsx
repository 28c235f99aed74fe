// One LT order: its fills (GET /api/lt/orders/{id})
import { useRoute } from 'preact-iso';
import { useResource } from '../live.ts';
import { price, shares, usd, when } from '../format.ts';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';

interface Fill { fill_id: string; at: string; price: string; shares: string; usd: string; fee_usd: string }
interface OrderDetail { order: { order_id: string; strategy_id: string; status: string }; fills: Fill[] }

export function OrderPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const r = useResource<OrderDetail>(`/api/lt/orders/${encodeURIComponent(id)}`);
  return (
    <div class="page" data-testid="order-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › {r.data ? <a href={paths.lt(r.data.order.strategy_id)}>{r.data.order.strategy_id}</a> : '…'} › {id}</p>
      <h1>Order {id} <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <View r={r} testid="order">
        {(d) => <table data-testid="fills"><caption>Fills</caption>
          <thead><tr><th>At</th><th>Price</th><th>Shares</th><th>USDC</th><th>Fee</th></tr></thead>
          <tbody>{d.fills.map((f) => <tr key={f.fill_id}><td>{when(f.at)}</td><td>{price(f.price)}</td><td>{shares(f.shares)}</td>
            <td>{usd(f.usd)}</td><td>{usd(f.fee_usd)}</td></tr>)}</tbody></table>}
      </View>
    </div>
  );
}
