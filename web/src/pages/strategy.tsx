// A live (LT) strategy: its state, capital and controls; FT vs LT since launch (chart, table, success metrics); the gap
// decomposition; slippage and latency distributions; fill rate over time; risk; open positions; recent orders; alerts.
// Each card reads its own endpoint and shows its own loading/error/empty/stale state and when it was read
import { useRoute } from 'preact-iso';
import { post } from '../api.ts';
import { useResource } from '../live.ts';
import { ratio, sign, usd, when } from '../format.ts';
import { Card } from '../components/card.tsx';
import { Facts } from '../components/facts.tsx';
import { Updated, View } from '../components/view.tsx';
import { StrategyControls } from '../controls/strategy-controls.tsx';
import { paths } from '../routes.ts';
import { ltStatus, type KillSwitch, type LtItem } from '../types.ts';
import type { Alert, Comparison, OrderList, Positions, StrategySeries } from '../lt-types.ts';
import { OrdersTable } from './orders-table.tsx';
import { AlertsList, ComparisonTable, Distributions, EquityChart, FillRateChart, GapSection, PositionsTable, RiskState,
  TargetBadges } from './strategy-parts.tsx';

const RECENT = 20;

function Header({ d, pnl, onChanged }: { d: LtItem & { kill_switch: KillSwitch }; pnl: string | null; onChanged: () => void }) {
  const c = d.capital;
  return <>
    <p class="meta">mirrors <a href={paths.ft(d.strategy.ft_wallet_id)}>{d.strategy.ft_wallet_id}</a> · {d.strategy.mode} ·{' '}
      <span data-testid="lt-state">{ltStatus(d.strategy).replace('_', ' ')}</span>
      {d.strategy.pause_reason ? <> ({d.strategy.pause_reason})</> : null}
      {d.strategy.launched_at ? <> · launched <time dateTime={d.strategy.launched_at}>{when(d.strategy.launched_at)}</time></> : null}</p>
    <StrategyControls item={d} killSwitch={d.kill_switch} onChanged={onChanged} />
    <Facts testid="lt-capital" items={[
      // `capital` (the starting capital until the book is funded, then net deposits) and `pnl` where the API has them
      typeof c.capital === 'string' ? { field: 'capital', label: 'Capital', shown: usd(c.capital), raw: c.capital }
        : { field: 'net_deposits', label: 'Capital (net deposits)', shown: usd(c.net_deposits), raw: c.net_deposits },
      { field: 'equity', label: 'Equity', shown: usd(c.equity), raw: c.equity },
      { field: 'available', label: 'Available', shown: usd(c.available), raw: c.available },
      ...(typeof c.pnl === 'string' ? [{ field: 'pnl', label: 'P&L', shown: usd(c.pnl), raw: c.pnl, cls: sign(c.pnl) }] : []),
      { field: 'pnl_usd', label: 'P&L since launch', shown: usd(pnl), raw: pnl, cls: sign(pnl) },
      { field: 'realized_pnl', label: 'Realized P&L', shown: usd(c.realized_pnl), raw: c.realized_pnl, cls: sign(c.realized_pnl) },
      { field: 'fees', label: 'Fees', shown: usd(c.fees), raw: c.fees },
      { field: 'drawdown', label: 'Drawdown', shown: ratio(c.drawdown), raw: c.drawdown },
      { field: 'conserved', label: 'Ledger', shown: c.conserved ? 'conserved' : 'NOT conserved', raw: c.conserved, cls: c.conserved ? undefined : 'neg' },
    ]} />
  </>;
}

export function StrategyPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const base = `/api/lt/strategies/${encodeURIComponent(id)}`;
  const r = useResource<LtItem & { kill_switch: KillSwitch }>(base);
  const cmp = useResource<Comparison>(`${base}/comparison`);
  const series = useResource<StrategySeries>(`${base}/series`);
  const positions = useResource<Positions>(`${base}/positions`);
  const orders = useResource<OrderList>(`/api/lt/orders?strategy_id=${encodeURIComponent(id)}&limit=${RECENT}`);
  const alerts = useResource<{ alerts: Alert[] }>('/api/alerts?limit=200');
  const pnl = (cmp.data?.lt.pnl_usd ?? null) as string | null;
  const launched = (s: StrategySeries) => s.launched_at === null;
  const mine = (list: Alert[]) => list.filter((x) => x.strategy_id === id);
  const shown = alerts.data ? mine(alerts.data.alerts).map((a) => a.alert_id) : [];
  const acks = useResource<{ acknowledgements: { alert_id: string; acknowledged_at: string }[] }>(
    shown.length ? `/api/alerts/acknowledgements?alert_ids=${shown.join(',')}` : null);
  const ackMap = shown.length === 0 ? new Map<string, string>()
    : acks.data ? new Map(acks.data.acknowledgements.map((k) => [k.alert_id, k.acknowledged_at])) : null;
  const acknowledge = async (alertId: string) => {
    await post(`/api/alerts/${encodeURIComponent(alertId)}/acknowledge`);
    acks.reload();
  };
  return (
    <div class="page" data-testid="strategy-page">
      <p class="crumbs"><a href={paths.overview()}>Overview</a> › {id}</p>
      <h1>{id} <Updated at={r.updatedAt} stale={r.stale} /></h1>
      <View r={r} testid="strategy">{(d) => <Header d={d} pnl={pnl} onChanged={r.reload} />}</View>
      <div class="grid">
        <Card title="FT vs LT since launch" r={series} testid="equity" wide isEmpty={launched} empty="Not launched yet.">
          {(s) => <EquityChart s={s} />}</Card>
        <Card title="Success metrics" r={cmp} testid="targets">{(c) => <TargetBadges targets={c.targets} />}</Card>
        <Card title="Comparison" r={cmp} testid="comparison">{(c) => <ComparisonTable cmp={c} />}</Card>
        <Card title="Gap: LT − FT = delay + execution + fees + opportunity + sizing" r={cmp} testid="gap" wide>
          {(c) => <GapSection gap={c.gap} />}</Card>
        <Card title="Slippage and latency" r={series} testid="distributions" wide>{(s) => <Distributions s={s} />}</Card>
        <Card title="Fill rate over time" r={series} testid="fill-rate">{(s) => <FillRateChart s={s} />}</Card>
        <Card title="Risk" r={series} testid="risk">{(s) => <RiskState risk={s.risk} />}</Card>
        <Card title="Open positions" r={positions} testid="positions" wide>{(p) => <PositionsTable body={p} />}</Card>
        <Card title="Recent orders" r={orders} testid="orders" wide isEmpty={(o) => o.orders.length === 0} empty="No orders yet.">
          {(o) => <>
            <OrdersTable testid="lt-orders" caption={`Newest ${o.orders.length}`} orders={o.orders} />
            <p><a href={paths.orders(`strategy_id=${encodeURIComponent(id)}`)} data-testid="all-orders">All orders of {id}</a></p>
          </>}</Card>
        <Card title="Alerts" r={alerts} testid="strategy-alerts" wide>
          {(a) => <AlertsList alerts={mine(a.alerts)} acked={ackMap} onAck={acknowledge} />}</Card>
      </div>
    </div>
  );
}
