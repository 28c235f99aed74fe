// The live (LT) section: one card per strategy, its parts drawn by lt-views.js
import { $, el, when } from './format.js';
import { api, apiAll, Refused } from './api.js';
import { comparisonTable, gapSection, header, legsTable, ordersTable, positionsTable, qualitySummary, targetBadges } from './lt-views.js';

const LEGS_SHOWN = 20;
const ORDERS_SHOWN = 20;

async function strategyArticle(item) {
  const s = item.strategy;
  const id = encodeURIComponent(s.strategy_id);
  const article = el('article', { class: 'lt', 'data-testid': 'lt-strategy', 'data-strategy-id': s.strategy_id,
    'aria-labelledby': `lt-h-${s.strategy_id}` }, header(item));
  if (!s.launched_at) {
    article.append(el('p', { class: 'note', text: 'Not launched yet: nothing to compare.' }));
    return article;
  }
  const [cmp, quality, positions] = await Promise.all([api(`/api/lt/strategies/${id}/comparison`),
    api(`/api/lt/strategies/${id}/quality?limit=${ORDERS_SHOWN}`), api(`/api/lt/strategies/${id}/positions`)]);
  const gap = await api(`/api/lt/strategies/${id}/gap?order=newest&limit=${LEGS_SHOWN}`);
  article.append(targetBadges(cmp.targets),
    el('div', { class: 'cols' }, comparisonTable(cmp), ...gapSection(cmp.gap)),
    positionsTable(positions),
    el('h4', { text: 'Execution quality' }), qualitySummary(quality.summary), ordersTable(quality.orders), legsTable(gap));
  return article;
}

let renders = 0;
export async function live() {
  const section = $('#lt');
  const { strategies, kill_switch: kill } = await apiAll('/api/lt/strategies', 'strategies');
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
