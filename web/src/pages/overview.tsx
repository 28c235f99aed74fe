// The overview: every live (LT) and paper (FT) strategy, sortable; a row opens its page
import { useResource } from '../live.ts';
import { count, ratio, usd, sign } from '../format.ts';
import { SortTable } from '../components/sort-table.tsx';
import { Updated, View } from '../components/view.tsx';
import { paths } from '../routes.ts';
import { ltStatus, type FtSummary, type KillSwitch, type LtItem } from '../types.ts';

export function OverviewPage() {
  const lt = useResource<{ strategies: LtItem[]; kill_switch: KillSwitch }>('/api/lt/strategies');
  const ft = useResource<{ wallets: FtSummary[] }>('/api/ft/wallets');
  return (
    <div class="page" data-testid="overview">
      <h1>Overview <Updated at={lt.updatedAt} stale={lt.stale} /></h1>
      <View r={lt} testid="lt-list" isEmpty={(d) => d.strategies.length === 0}
        empty={<p>No live strategies yet. <a href={paths.create()}>Create one</a> from a paper strategy.</p>}>
        {(d) => <SortTable testid="lt-table" caption="Live strategies (LT)" rows={d.strategies} rowKey={(r) => r.strategy.strategy_id}
          rowHref={(r) => paths.lt(r.strategy.strategy_id)} columns={[
            { key: 'strategy_id', label: 'Strategy', render: (r) => r.strategy.strategy_id, value: (r) => r.strategy.strategy_id },
            { key: 'status', label: 'Status', render: (r) => ltStatus(r.strategy).replace('_', ' '), value: (r) => ltStatus(r.strategy) },
            { key: 'equity', label: 'Equity', numeric: true, render: (r) => usd(r.capital.equity), value: (r) => r.capital.equity },
            { key: 'realized_pnl', label: 'Realized P&L', numeric: true, render: (r) => <span class={sign(r.capital.realized_pnl)}>{usd(r.capital.realized_pnl)}</span>, value: (r) => r.capital.realized_pnl },
          ]} />}
      </View>
      <View r={ft} testid="ft-list" isEmpty={(d) => d.wallets.length === 0} empty={<p>No paper strategies.</p>}>
        {(d) => <SortTable testid="ft-table" caption={`Paper strategies (FT): ${d.wallets.length}`} rows={d.wallets} rowKey={(w) => w.wallet_id}
          rowHref={(w) => paths.ft(w.wallet_id)} columns={[
            { key: 'wallet_id', label: 'Strategy', render: (w) => w.wallet_id, value: (w) => w.wallet_id },
            { key: 'realized_pnl', label: 'Realized P&L', numeric: true, render: (w) => <span class={sign(w.realized_pnl)}>{usd(w.realized_pnl)}</span>, value: (w) => w.realized_pnl },
            { key: 'orders', label: 'Orders', numeric: true, render: (w) => count(w.orders), value: (w) => w.orders },
            { key: 'win_rate', label: 'Win rate', numeric: true, render: (w) => ratio(w.win_rate, 1), value: (w) => w.win_rate },
          ]} />}
      </View>
    </div>
  );
}
