// A paper (FT) strategy: its configuration and results, and "promote to live"
import { useRoute } from 'preact-iso';
import { useResource } from '../live.ts';
import { count, ratio, usd } from '../format.ts';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';
import type { FtSummary } from '../types.ts';

export function FtPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const r = useResource<{ wallet: Record<string, unknown>; summary: FtSummary }>(`/api/ft/wallets/${encodeURIComponent(id)}`);
  return (
    <div class="page" data-testid="ft-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › {id}</p>
      <h1>{id} <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <View r={r} testid="ft-detail">
        {(d) => <>
          <p><a class="button primary" data-testid="promote" href={paths.create(id)}>Promote to live</a></p>
          <dl class="facts">
            <div><dt>Realized P&amp;L</dt><dd data-field="realized_pnl">{usd(d.summary.realized_pnl)}</dd></div>
            <div><dt>Orders</dt><dd data-field="orders">{count(d.summary.orders)}</dd></div>
            <div><dt>Win rate</dt><dd data-field="win_rate">{ratio(d.summary.win_rate, 1)}</dd></div>
          </dl>
        </>}
      </View>
    </div>
  );
}
