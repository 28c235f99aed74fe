// Dashboard bootstrap: health, then once a token is given (kept in this browser's localStorage) the alerts, the live
// (LT) strategies and the paper (FT) strategies, refreshed every 10 s. Every number comes from the API as it is
// (see format.js).
import { $ } from './format.js';
import { Refused, TOKEN_KEY } from './api.js';
import { alerts } from './alerts.js';
import { wallets } from './ft.js';
import { live } from './lt.js';

async function health() {
  try {
    const h = await (await fetch('/api/health')).json();
    $('[data-testid=health]').textContent = h.status;
    $('#db').textContent = `${h.database.kind} ${h.database.version}`;
    if (h.venue) {
      $('[data-testid=venue]').textContent = `${h.venue.name} ${h.venue.state}`;
      const reasons = h.venue.reasons.map((r) => r.message).join('; ');
      $('#venue-reasons').textContent = reasons ? `Trading ${h.venue.state === 'off' ? 'is off' : 'takes no new entries'}: ${reasons}` : '';
      $('#venue-reasons').hidden = !reasons;
    }
  } catch {
    $('[data-testid=health]').textContent = 'down';
  }
}

function signedOut(message) {
  $('#status').textContent = message;
  localStorage.removeItem(TOKEN_KEY);
}

let busy = false;
async function refresh() {
  if (!localStorage.getItem(TOKEN_KEY) || busy) return;
  busy = true;
  try {
    const n = await wallets();
    $('#login').hidden = true;
    $('#status').textContent = `${n} strategies`;
    await alerts();
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
  localStorage.setItem(TOKEN_KEY, $('#token').value.trim());
  refresh();
});
health();
refresh();
setInterval(refresh, 10_000);
setInterval(health, 10_000);
