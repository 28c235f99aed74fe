// The alerts panel: the signed-in user's alerts and the system's, newest first, as GET /api/alerts lists them
import { $, DASH, cell, count, el, table, when } from './format.js';
import { api } from './api.js';

const LIMIT = 50;
/** Severity: a symbol and a word as well as a colour, so it never rests on colour alone */
const SEVERITY = { critical: '\u2716', warning: '\u26a0', info: '\u2139' };

function severity(s) {
  return el('td', { 'data-field': 'severity', 'data-value': s },
    el('span', { class: `sev sev-${SEVERITY[s] ? s : 'unknown'}` },
      el('span', { 'aria-hidden': 'true', text: SEVERITY[s] ?? '?' }), ' ', el('span', { class: 'word', text: s })));
}

function delivery(a) {
  const attempts = a.attempts ? ` (${a.attempts} attempt${a.attempts === 1 ? '' : 's'})` : '';
  return el('td', { 'data-field': 'delivery', 'data-value': a.delivery, title: a.last_error ?? (a.delivered_at ? `delivered ${when(a.delivered_at)}` : null),
    text: `${a.delivery}${attempts}` });
}

function row(a) {
  return el('tr', { 'data-alert-id': a.alert_id, 'data-severity': a.severity, class: `sev-row-${a.severity}` },
    el('td', { 'data-field': 'fired_at', 'data-value': a.fired_at }, el('time', { datetime: a.fired_at, text: when(a.fired_at) })),
    severity(a.severity),
    el('td', { 'data-field': 'kind', text: a.kind }),
    el('td', { 'data-field': 'strategy_id', 'data-value': a.strategy_id ?? 'null', text: a.strategy_id ?? (a.system ? 'system' : DASH) }),
    el('td', { 'data-field': 'message', class: 'msg', text: a.message }),
    cell(a.suppressed, count, { 'data-field': 'suppressed', title: 'repeats within the cool-down, not fired again' }),
    delivery(a));
}

let renders = 0;
export async function alerts() {
  const section = $('#alerts');
  const { alerts: list } = await api(`/api/alerts?limit=${LIMIT}`);
  $('#alerts-list').replaceChildren(list.length
    ? el('div', { class: 'scroll alerts-scroll' }, table('alerts-table', `Newest first (the latest ${list.length}, at most ${LIMIT})`,
      ['Fired', 'Severity', 'Kind', 'Strategy', 'Message', 'Repeats', 'Webhook'], list.map(row)))
    : el('p', { class: 'note', 'data-testid': 'alerts-empty', text: 'No alerts.' }));
  section.hidden = false;
  section.dataset.renders = String(++renders);
}
