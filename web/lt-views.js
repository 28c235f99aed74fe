// The parts of an LT strategy card, each drawn from one API response exactly as it was received
import { DASH, cell, clock, count, el, isNull, ms, pct, ratio, sign, table, trim, usd, usdShort, when } from './format.js';

const COMPARE = [ // [field, label, format]; a field one side lacks is left blank there
  ['signals', 'Signals', count], ['invested_usd', 'Invested', usd], ['realized_pnl_usd', 'Realized P&L', usd],
  ['unrealized_pnl_usd', 'Unrealized P&L', usd], ['pnl_usd', 'P&L', usd], ['won', 'Won', count], ['lost', 'Lost', count],
  ['win_rate', 'Win rate', ratio], ['return_pct', 'Return', pct], ['exits', 'Exits', count], ['ordered', 'Ordered', count],
  ['filled_orders', 'Filled orders', count], ['fees_usd', 'Fees', usd],
];
const PARTS = [
  ['delay_usd', 'Delay', 'the market moved between the trader\u2019s fill and our arrival'],
  ['execution_usd', 'Execution', 'what we paid against the arrival mid: spread and impact'],
  ['fees_usd', 'Fees', 'venue fees'],
  ['opportunity_usd', 'Opportunity', 'unfilled or skipped size, from the signal price to now'],
  ['sizing_usd', 'Sizing', 'a different size than FT, and FT\u2019s own cost rounding'],
];
const TARGETS = { avg_signal_slippage_pct: 'Avg slippage', fill_rate: 'Fill rate', order_latency_p50_ms: 'Order latency p50',
  rejection_rate: 'Rejection rate', pnl_vs_ft: 'P&L vs FT', win_rate_vs_ft: 'Win rate vs FT', quality_score_mean: 'Quality score' };
const STATUS = { green: ['\u2713', 'met'], red: ['\u2717', 'missed'], no_data: ['\u2013', 'no data'] };
/** Where a position's mark price comes from (the same mark the gap uses) */
const MARKS = { payout: 'payout (final)', mark: 'market price', last_trade: 'last trade', entry: 'entry price' };

function strategyState(s) {
  if (!s.launched_at) return 'not launched';
  if (s.is_paused) return `paused${s.pause_reason ? ` (${s.pause_reason})` : ''}`;
  return s.is_active ? 'active' : 'stopped';
}

export function header({ strategy: s, capital: c }) {
  const facts = [['Capital', usdShort(c.net_deposits), 'net_deposits'], ['Equity', usdShort(c.equity), 'equity'],
    ['Available', usdShort(c.available), 'available'], ['Realized P&L', usdShort(c.realized_pnl), 'realized_pnl'],
    ['Fees', usdShort(c.fees), 'fees'], ['Drawdown', ratio(c.drawdown), 'drawdown'],
    ['Ledger', c.conserved ? 'conserved' : 'NOT conserved', 'conserved']];
  return [
    el('h3', { id: `lt-h-${s.strategy_id}`, text: s.strategy_id }),
    el('p', { class: 'meta' }, `mirrors ${s.ft_wallet_id} · ${s.mode} · `, el('span', { 'data-testid': 'lt-state', text: strategyState(s) }),
      s.launched_at ? [' · launched ', el('time', { datetime: s.launched_at, text: when(s.launched_at) })] : null),
    el('dl', { class: 'facts', 'data-testid': 'lt-capital' }, facts.map(([k, v, f]) =>
      el('div', { 'data-field': f }, el('dt', { text: k }), el('dd', { text: v, class: f === 'conserved' && !c.conserved ? 'neg' : null })))),
  ];
}

export function comparisonTable(cmp) {
  const rows = COMPARE.map(([f, label, fmt]) => el('tr', { 'data-field': f }, el('th', { scope: 'row', text: label }),
    ['ft', 'lt'].map((side) => (f in cmp[side]
      ? cell(cmp[side][f], fmt, { 'data-side': side, class: fmt === usd ? sign(cmp[side][f]) : null })
      : el('td', { 'data-side': side, 'aria-label': 'not applicable' })))));
  return table('lt-comparison', `FT vs LT since launch (${when(cmp.launched_at)})`, ['', 'FT (paper)', 'LT (live)'], rows);
}

export function targetBadges(targets) {
  return el('ul', { class: 'badges', 'data-testid': 'lt-targets', 'aria-label': 'Success metrics' }, targets.map((t) => {
    const [mark, word] = STATUS[t.status] ?? ['?', t.status];
    return el('li', { class: `badge ${t.status}`, 'data-testid': 'lt-target', 'data-metric': t.metric, 'data-status': t.status },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: mark }), ' ', el('b', { text: TARGETS[t.metric] ?? t.metric }), ' ',
      el('span', { 'data-field': 'value', text: t.value ?? DASH }), ' ', el('span', { class: 'target', 'data-field': 'target', text: `target ${t.target}` }),
      ' ', el('span', { class: 'word', 'data-field': 'status', text: word }));
  }));
}

/** LT − FT = delay + execution + fees + opportunity + sizing, each figure exactly as the API gives it */
export function gapSection(g) {
  const row = (f, label, note, strong) => el('tr', { 'data-field': f, class: strong ? 'total' : null },
    el('th', { scope: 'row', text: label }), cell(g[f], usd, { class: sign(g[f]) }), el('td', { class: 'note', text: note }));
  const term = (s, i) => (i === 0 ? s : s.startsWith('-') ? ` \u2212 ${s.slice(1)}` : ` + ${s}`);
  return [
    table('lt-gap', 'Why LT differs from FT (USDC)', ['', 'USDC', ''], [
      row('lt_pnl_usd', 'LT P&L', 'live, at the horizon price'), row('ft_pnl_usd', 'FT P&L', 'paper, same signals'),
      row('total_usd', 'LT \u2212 FT', 'the gap', true), ...PARTS.map(([f, label, note]) => row(f, label, note)),
    ]),
    el('p', { class: 'equation', 'data-testid': 'lt-gap-equation' },
      `${g.total_usd} = ${PARTS.map(([f], i) => term(g[f], i)).join('')}`,
      el('span', { class: 'note', text: ` (total = delay + execution + fees + opportunity + sizing; ${g.signals} signals, ${g.not_mirrored} not mirrored, ${g.pending} pending)` })),
  ];
}

/** The open positions as the positions endpoint gives them: every amount its own string, nothing added up here */
export function positionsTable(body) {
  const list = body.positions;
  if (!list.length) return el('p', { 'data-testid': 'lt-positions', class: 'note', text: 'No open positions.' });
  const rows = list.map((p) => el('tr', { 'data-ft-order-id': p.ft_order_id, 'data-token-id': p.token_id },
    el('td', { 'data-field': 'market', title: p.condition_id, text: p.market ?? DASH }),
    el('td', { 'data-field': 'outcome', text: p.outcome ?? DASH }),
    cell(p.shares, trim, { 'data-field': 'shares' }),
    cell(p.cost_usd, usd, { 'data-field': 'cost_usd' }),
    cell(p.mark_price, trim, { 'data-field': 'mark_price' }),
    cell(p.mark, (k) => (isNull(k) ? DASH : MARKS[k] ?? k), { 'data-field': 'mark' }),
    cell(p.value_usd, usd, { 'data-field': 'value_usd' }),
    cell(p.unrealized_pnl_usd, usd, { 'data-field': 'unrealized_pnl_usd', class: sign(p.unrealized_pnl_usd) })));
  return el('div', { class: 'scroll' }, table('lt-positions', `Open positions (${list.length}, ${body.book} book, newest first), valued at the gap's mark`,
    ['Market', 'Outcome', 'Shares', 'Cost', 'Mark price', 'Mark', 'Value', 'Unrealized P&L'], rows));
}

export function qualitySummary(q) {
  const stat = (s, a, b, fmt) => [fmt(s?.[a] ?? null), fmt(s?.[b] ?? null)].join(' / ');
  const byKey = (o) => (Object.keys(o ?? {}).length ? Object.entries(o).map(([k, v]) => `${k} ${ratio(v)}`).join(', ') : DASH);
  const items = [
    ['orders', 'Orders', `${q.orders} (${q.finished} finished)`],
    ['quantity_fill_rate', 'Fill rate (shares)', ratio(q.quantity_fill_rate)],
    ['usd_fill_rate', 'Fill rate (USD)', ratio(q.usd_fill_rate)],
    ['signal_slippage_pct', 'Signal slippage median / p95', stat(q.signal_slippage_pct, 'median', 'p95', pct)],
    ['mid_slippage_pct', 'Mid slippage median / p95', stat(q.mid_slippage_pct, 'median', 'p95', pct)],
    ['order_latency_ms', 'Order latency p50 / p95', stat(q.order_latency_ms, 'p50', 'p95', ms)],
    ['fill_latency_ms', 'Fill latency p50 / p95', stat(q.fill_latency_ms, 'p50', 'p95', ms)],
    ['quality_score', 'Quality score mean', isNull(q.quality_score) ? DASH : `${q.quality_score.mean} (n = ${q.quality_score.n})`],
    ['rejection_rate', 'Rejection rate', ratio(q.rejection_rate)],
    ['rejections_by_reason', 'Rejections by reason', byKey(q.rejections_by_reason)],
    ['copy_rate', 'Copy rate', ratio(q.copy_rate)],
    ['skips_by_rule', 'Skips by rule', byKey(q.skips_by_rule)],
    ['fees_usd', 'Fees', usd(q.fees_usd)],
  ];
  return el('dl', { class: 'facts quality', 'data-testid': 'lt-quality' }, items.map(([f, k, v]) =>
    el('div', { 'data-field': f }, el('dt', { text: k }), el('dd', { text: v }))));
}

export function ordersTable(orders) {
  if (!orders.length) return el('p', { 'data-testid': 'lt-orders', class: 'note', text: 'No orders yet.' });
  const comps = (o) => el('ul', { class: 'comps' }, (o.quality_components ?? []).map((c) =>
    el('li', { 'data-name': c.name, text: `${c.name} ${trim(c.value)} \u00d7${trim(c.weight)}` })));
  const rows = orders.map((o) => el('tr', { 'data-order-id': o.order_id },
    el('td', {}, el('time', { datetime: o.signal_at, title: when(o.signal_at), text: clock(o.signal_at) })), el('td', { text: o.side }), el('td', { text: o.order_type }), el('td', { text: o.status }),
    cell(o.signal_price, trim), cell(o.executed_price, trim), cell(o.fill_rate, ratio),
    cell(o.signal_slippage_pct, pct), cell(o.mid_slippage_pct, pct), cell(o.order_latency_ms, ms), cell(o.fill_latency_ms, ms),
    cell(o.quality_score, (s) => (isNull(s) ? DASH : `${s} (${o.quality_version})`), { 'data-field': 'quality_score' }),
    el('td', { 'data-field': 'quality_components' }, comps(o))));
  return el('div', { class: 'scroll' }, table('lt-orders', `Recent orders (newest ${orders.length}), each score with its components (value \u00d7weight)`,
    ['Signal at', 'Side', 'Type', 'Status', 'Signal price', 'Executed', 'Fill rate', 'Signal slip', 'Mid slip',
      'Order latency', 'Fill latency', 'Score', 'Components'], rows));
}

export function legsTable(gap) {
  const legs = gap.legs; // asked newest first
  const rows = legs.map((l) => el('tr', { 'data-ft-order-id': l.ft_order_id },
    el('td', { title: l.leg, text: `${l.leg.split(':')[0]} ${l.side}` }), el('td', { text: l.rule ? `${l.disposition} (${l.rule})` : l.disposition }),
    el('td', { text: `${trim(l.horizon_price)} ${l.horizon}` }),
    ...['lt_pnl_usd', 'ft_pnl_usd', 'total_usd', ...PARTS.map(([f]) => f)].map((f) => cell(l[f], (s) => s, { class: sign(l[f]) }))));
  return el('details', { 'data-key': 'legs' }, el('summary', { text: `Per signal: the latest ${legs.length} of ${gap.signals}` }),
    el('div', { class: 'scroll' }, table('lt-gap-legs', 'Gap per signal leg (USDC), newest first', ['Leg', 'Disposition',
      'Horizon', 'LT P&L', 'FT P&L', 'LT \u2212 FT', ...PARTS.map(([, label]) => label)], rows)));
}
