// The paper (FT) strategies table
import { $ } from './format.js';
import { apiAll } from './api.js';

const money = (s) => (s === null ? '\u2013' : Number(s).toLocaleString('en-US', { style: 'currency', currency: 'USD' }));

export async function wallets() {
  const { wallets } = await apiAll('/api/ft/wallets', 'wallets');
  const body = $('#wallets tbody');
  body.replaceChildren(...wallets.map((w) => {
    const tr = document.createElement('tr');
    const cells = [w.wallet_id, money(w.cash), money(w.realized_pnl), money(w.open_exposure), w.orders, w.open, w.won,
      w.lost, w.sold, w.win_rate === null ? '\u2013' : `${(Number(w.win_rate) * 100).toFixed(1)}%`];
    for (const [i, v] of cells.entries()) {
      const td = document.createElement('td');
      td.textContent = String(v);
      if (i === 2) td.className = Number(w.realized_pnl) < 0 ? 'neg' : 'pos';
      tr.append(td);
    }
    return tr;
  }));
  $('#wallets').hidden = false;
  return wallets.length;
}
