/**
 * The whole pipeline in the demo: Tandem started with the simulated world and venue; an LT strategy created and
 * launched through the API mirrors its FT wallet's signals with real (simulated-venue) orders, triggered by the
 * FT engine's NOTIFY, and its capital stays conserved
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';

let tandem: Tandem;
let dir: string;
let token: string;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(new URL(path, tandem.url), {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-lt-demo-'));
  tandem = await startTandem(loadConfig({
    DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'sim', SIM_STEP_MS: '500',
    LT_EXECUTE_CRON: '*/2 * * * * *',
  }), silentLog);
  token = readFileSync(tandem.operatorTokenFile!, 'utf8').trim();
}, 60_000);

afterAll(async () => {
  await tandem?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('live trading in the demo world', () => {
  it('mirrors FT signals with venue orders after launch, with capital conserved', async () => {
    const created = await api('POST', '/api/lt/strategies', {
      ft_wallet_id: 'FT_T1_BASELINE', starting_capital: '500', wallet_address: `0x${'1'.repeat(40)}`, max_signal_age_seconds: 600,
    });
    expect(created.status).toBe(201);
    expect((await api('POST', '/api/lt/strategies/LT_FT_T1_BASELINE/launch')).status).toBe(200);
    let ordered = 0;
    for (let i = 0; i < 60 && ordered === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      const [row] = await tandem.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE lt_strategy_id = 'LT_FT_T1_BASELINE' AND status <> 'pending'`);
      ordered = row!.n;
    }
    expect(ordered).toBeGreaterThan(0);
    const [early] = await tandem.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM lt_orders l JOIN ft_orders f ON f.order_id = l.ft_order_id
       JOIN lt_strategies s ON s.strategy_id = l.strategy_id WHERE f.order_time < s.launched_at`);
    expect(early!.n).toBe(0);
    const detail = await api('GET', '/api/lt/strategies/LT_FT_T1_BASELINE');
    expect(detail.body.capital.conserved).toBe(true);
    expect(detail.body.capital.net_deposits).toBe('500.000000');
    // Every order has its execution quality; the venue's fill times come from the same clock as the submit
    const quality = await api('GET', '/api/lt/strategies/LT_FT_T1_BASELINE/quality?limit=1000');
    expect(quality.body.orders.length).toBeGreaterThan(0);
    for (const o of quality.body.orders) {
      if (o.fill_latency_ms !== null) expect(o.fill_latency_ms, o.order_id).toBeGreaterThanOrEqual(0);
      if (o.order_latency_ms !== null) expect(o.order_latency_ms, o.order_id).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);
});
