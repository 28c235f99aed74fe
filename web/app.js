// Dashboard: health, then the FT strategies once a token is given (kept in this browser's localStorage)
const $ = (sel) => document.querySelector(sel);
const money = (s) => (s === null ? '–' : Number(s).toLocaleString('en-US', { style: 'currency', currency: 'USD' }));

async function health() {
  try {
    const h = await (await fetch('/api/health')).json();
    $('[data-testid=health]').textContent = h.status;
    $('#db').textContent = `${h.database.kind} ${h.database.version}`;
  } catch {
    $('[data-testid=health]').textContent = 'down';
  }
}

async function wallets() {
  const token = localStorage.getItem('tandem.token');
  if (!token) return;
  const res = await fetch('/api/ft/wallets', { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) {
    $('#status').textContent = 'That token was refused.';
    localStorage.removeItem('tandem.token');
    return;
  }
  const { wallets } = await res.json();
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

$('#login').addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem('tandem.token', $('#token').value.trim());
  wallets();
});
health();
wallets();
setInterval(wallets, 10_000);
