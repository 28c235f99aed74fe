// A live (LT) strategy: its state and capital, and its controls (controls/strategy-controls.tsx)
import { useRoute } from 'preact-iso';
import { useResource } from '../live.ts';
import { usd, when } from '../format.ts';
import { Updated, View } from '../components/view.tsx';
import { StrategyControls } from '../controls/strategy-controls.tsx';
import { paths } from '../routes.ts';
import { ltStatus, type KillSwitch, type LtItem } from '../types.ts';

export function StrategyPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const r = useResource<LtItem & { kill_switch: KillSwitch }>(`/api/lt/strategies/${encodeURIComponent(id)}`);
  return (
    <div class="page" data-testid="strategy-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › {id}</p>
      <h1>{id} <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <View r={r} testid="strategy">
        {(d) => <>
          <p class="meta">mirrors <a href={paths.ft(d.strategy.ft_wallet_id)}>{d.strategy.ft_wallet_id}</a> · {d.strategy.mode} ·{' '}
            <span data-testid="lt-state">{ltStatus(d.strategy).replace('_', ' ')}</span>
            {d.strategy.launched_at ? <> · launched <time dateTime={d.strategy.launched_at}>{when(d.strategy.launched_at)}</time></> : null}</p>
          <StrategyControls item={d} killSwitch={d.kill_switch} onChanged={r.reload} />
          <dl class="facts" data-testid="lt-capital">
            <div data-field="equity"><dt>Equity</dt><dd>{usd(d.capital.equity)}</dd></div>
            <div data-field="available"><dt>Available</dt><dd>{usd(d.capital.available)}</dd></div>
          </dl>
        </>}
      </View>
    </div>
  );
}
