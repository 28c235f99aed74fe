// Dashboard: health, then once a token is given (kept in this browser's localStorage) the FT strategies and the
// live (LT) strategies. Every number comes from the API as it is: the page formats strings (grouping, a unit, a
// decimal point moved for percents), never computes a metric. A missing sample (null) shows as "–", never 0.
const $ = (sel) => document.querySelector(sel);
const DASH = '–';
const money = (s) => (s === null ? '–' : Number(s).toLocaleString('en-US', { style: 'currency', currency: 'USD' }));

/** An element with attributes (`text` sets its text) and children; null/undefined attributes and children are left out */
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...kids.flat().filter((k) => k !== null && k !== undefined).map((k) => (typeof k === 'object' ? k : String(k))));
  return e;
}

// ---- exact string formatting of API decimals ----
const isNull = (s) => s === null || s === undefined;
/** '-1234.5' → '-1,234.5' */
function group(s) {
  const neg = s.startsWith('-');
  const [i, f] = (neg ? s.slice(1) : s).split('.');
  return `${neg ? '-' : ''}${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${f === undefined ? '' : `.${f}`}`;
}
/** A USDC amount as the API gives it: '-1.12' → '-$1.12' */
const usd = (s) => (isNull(s) ? DASH : s.startsWith('-') ? `-$${group(s.slice(1))}` : `$${group(s)}`);
/** Trailing zeros dropped, keeping `min` decimals ('500.000000' → '500.00' with min 2): the same value, shorter */
function trim(s, min = 0) {
  if (isNull(s)) return DASH;
  const [i, f = ''] = String(s).split('.');
  const kept = f.replace(/0+$/, '').padEnd(min, '0');
  return kept ? `${i}.${kept}` : i;
}
const usdShort = (s) => (isNull(s) ? DASH : usd(trim(s, 2)));
/** A ratio (1.0 = 100 %) as a percent, by moving the decimal point two places: '0.086957' → '8.6957 %' */
function ratio(s) {
  if (isNull(s)) return DASH;
  const neg = s.startsWith('-');
  const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  const frac = f.padEnd(2, '0');
  const int = `${i}${frac.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  return `${neg ? '-' : ''}${int}${frac.length > 2 ? `.${frac.slice(2)}` : ''} %`;
}
const pct = (s) => (isNull(s) ? DASH : `${s} %`); // already a percent
const ms = (n) => (isNull(n) ? DASH : `${n} ms`);
const count = (n) => (isNull(n) ? DASH : String(n));
const sign = (s) => (isNull(s) ? null : s.startsWith('-') ? 'neg' : /[1-9]/.test(s) ? 'pos' : null);
const when = (iso) => (isNull(iso) ? DASH : new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }));
const clock = (iso) => (isNull(iso) ? DASH : new Date(iso).toLocaleTimeString('en-GB'));
/** A value cell: the formatted text, and the API's own value in data-value */
const cell = (raw, fmt, attrs = {}) => el('td', { ...attrs, 'data-value': isNull(raw) ? 'null' : String(raw), text: fmt(raw) });

// ---- API ----
class Refused extends Error {}
async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${localStorage.getItem('tandem.token')}` } });
  if (res.status === 401) throw new Refused('refused');
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

async function health() {
  try {
    const h = await (await fetch('/api/health')).json();
    $('[data-testid=health]').textContent = h.status;
    $('#db').textContent = `${h.database.kind} ${h.database.version}`;
  } catch {
    $('[data-testid=health]').textContent = 'down';
  }
}

function signedOut(message) {
  $('#status').textContent = message;
  localStorage.removeItem('tandem.token');
}

async function wallets() {
  const { wallets } = await api('/api/ft/wallets');
  const body = $('#wallets tbody');
  body.replaceChildren(...wallets.map((w) => {
    const tr = document.createElement('tr');
    const cells = [w.wallet_id, money(w.cash), money(w.realized_pnl), money(w.open_exposure), w.orders, w.open, w.won,
      w.lost, w.sold, w.win_rate === null ? '–' : `${(Number(w.win_rate) * 100).toFixed(1)}%`];
    for (const [i, v] of cells.entries()) {
      const td = document.createElement('td');
      td.textContent = String(v);
      if (i === 2) td.className = Number(w.realized_pnl) < 0 ? 'neg' : 'pos';
      tr.append(td);
    }
    return tr;
  }));
  $('#wallets').hidden = false;
  $('#login').hidden = true;
  $('#status').textContent = `${wallets.length} strategies`;
}

// ---- LT: one article per strategy ----
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
const LEGS_SHOWN = 20;
const ORDERS_SHOWN = 20;

const table = (testid, caption, head, rows) => el('table', { 'data-testid': testid }, el('caption', { text: caption }),
  el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))), el('tbody', {}, rows));

function strategyState(s) {
  if (!s.launched_at) return 'not launched';
  if (s.is_paused) return `paused${s.pause_reason ? ` (${s.pause_reason})` : ''}`;
  return s.is_active ? 'active' : 'stopped';
}

function header({ strategy: s, capital: c }) {
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

function comparisonTable(cmp) {
  const rows = COMPARE.map(([f, label, fmt]) => el('tr', { 'data-field': f }, el('th', { scope: 'row', text: label }),
    ['ft', 'lt'].map((side) => (f in cmp[side]
      ? cell(cmp[side][f], fmt, { 'data-side': side, class: fmt === usd ? sign(cmp[side][f]) : null })
      : el('td', { 'data-side': side, 'aria-label': 'not applicable' })))));
  return table('lt-comparison', `FT vs LT since launch (${when(cmp.launched_at)})`, ['', 'FT (paper)', 'LT (live)'], rows);
}

function targetBadges(targets) {
  return el('ul', { class: 'badges', 'data-testid': 'lt-targets', 'aria-label': 'Success metrics' }, targets.map((t) => {
    const [mark, word] = STATUS[t.status] ?? ['?', t.status];
    return el('li', { class: `badge ${t.status}`, 'data-testid': 'lt-target', 'data-metric': t.metric, 'data-status': t.status },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: mark }), ' ', el('b', { text: TARGETS[t.metric] ?? t.metric }), ' ',
      el('span', { 'data-field': 'value', text: t.value ?? DASH }), ' ', el('span', { class: 'target', 'data-field': 'target', text: `target ${t.target}` }),
      ' ', el('span', { class: 'word', 'data-field': 'status', text: word }));
  }));
}

/** LT − FT = delay + execution + fees + opportunity + sizing, each figure exactly as the API gives it */
function gapSection(g) {
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

function qualitySummary(q) {
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

function ordersTable(orders) {
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

function legsTable(gap) {
  const legs = [...gap.legs].reverse(); // the API lists them oldest first
  const rows = legs.map((l) => el('tr', { 'data-ft-order-id': l.ft_order_id },
    el('td', { title: l.leg, text: `${l.leg.split(':')[0]} ${l.side}` }), el('td', { text: l.rule ? `${l.disposition} (${l.rule})` : l.disposition }),
    el('td', { text: `${trim(l.horizon_price)} ${l.horizon}` }),
    ...['lt_pnl_usd', 'ft_pnl_usd', 'total_usd', ...PARTS.map(([f]) => f)].map((f) => cell(l[f], (s) => s, { class: sign(l[f]) }))));
  return el('details', { 'data-key': 'legs' }, el('summary', { text: `Per signal: the latest ${legs.length} of ${gap.signals}` }),
    el('div', { class: 'scroll' }, table('lt-gap-legs', 'Gap per signal leg (USDC), newest first', ['Leg', 'Disposition',
      'Horizon', 'LT P&L', 'FT P&L', 'LT \u2212 FT', ...PARTS.map(([, label]) => label)], rows)));
}

async function strategyArticle(item) {
  const s = item.strategy;
  const id = encodeURIComponent(s.strategy_id);
  const article = el('article', { class: 'lt', 'data-testid': 'lt-strategy', 'data-strategy-id': s.strategy_id,
    'aria-labelledby': `lt-h-${s.strategy_id}` }, header(item));
  if (!s.launched_at) {
    article.append(el('p', { class: 'note', text: 'Not launched yet: nothing to compare.' }));
    return article;
  }
  const [cmp, quality] = await Promise.all([api(`/api/lt/strategies/${id}/comparison`),
    api(`/api/lt/strategies/${id}/quality?limit=${ORDERS_SHOWN}`)]);
  const offset = Math.max(0, cmp.gap.signals - LEGS_SHOWN);
  const gap = await api(`/api/lt/strategies/${id}/gap?limit=${LEGS_SHOWN}&offset=${offset}`);
  article.append(targetBadges(cmp.targets),
    el('div', { class: 'cols' }, comparisonTable(cmp), ...gapSection(cmp.gap)),
    el('h4', { text: 'Execution quality' }), qualitySummary(quality.summary), ordersTable(quality.orders), legsTable(gap));
  return article;
}

let renders = 0;
async function live() {
  const section = $('#lt');
  const { strategies, kill_switch: kill } = await api('/api/lt/strategies');
  const articles = await Promise.all(strategies.map((item) => strategyArticle(item).catch((e) => {
    if (e instanceof Refused) throw e;
    return el('article', { class: 'lt', 'data-testid': 'lt-strategy', 'data-strategy-id': item.strategy.strategy_id },
      el('h3', { text: item.strategy.strategy_id }), el('p', { role: 'alert', class: 'neg', text: `Could not load: ${e.message}` }));
  })));
  const open = new Set([...section.querySelectorAll('article')].filter((a) => a.querySelector('details[open]')).map((a) => a.dataset.strategyId));
  for (const a of articles) if (open.has(a.dataset.strategyId)) a.querySelector('details')?.setAttribute('open', '');
  $('#lt-kill').hidden = !kill.engaged;
  $('#lt-kill').textContent = kill.engaged ? `Kill switch engaged${kill.reason ? `: ${kill.reason}` : ''} (set ${when(kill.set_at)})` : '';
  $('#lt-list').replaceChildren(...(articles.length ? articles
    : [el('p', { class: 'note', 'data-testid': 'lt-empty', text: 'No live strategies yet (POST /api/lt/strategies creates one).' })]));
  section.hidden = false;
  section.dataset.renders = String(++renders);
}

let busy = false;
async function refresh() {
  if (!localStorage.getItem('tandem.token') || busy) return;
  busy = true;
  try {
    await wallets();
    await live();
  } catch (e) {
    if (e instanceof Refused) signedOut('That token was refused.');
    else $('#status').textContent = `Could not refresh: ${e.message}`;
  } finally {
    busy = false;
  }
}

$('#login').addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem('tandem.token', $('#token').value.trim());
  refresh();
});
health();
refresh();
setInterval(refresh, 10_000);
