/**
 * Seeds one launched live LT strategy with N mirrored signals in set-based SQL: per signal a source trade, an FT paper
 * order and its disposition, a venue order (9 in 10 filled with one fill, 1 in 10 cancelled unfilled), the lt_orders
 * link, the LT disposition, an execution-quality row and the ledger entries (reserve, then buy_fill or release), over
 * 100 open Yes/No markets. The ledger identities hold, so the API's balance checks pass as they would in production
 */
import { parseFtWallet } from '../domain/ft-wallet.ts';
import { systemClock } from '../engine/clock.ts';
import { createLtStrategy, launchLtStrategy } from '../engine/lt-strategies.ts';
import { refreshReadModels } from '../engine/read-model-refresh.ts';
import type { Db } from '../store/db.ts';
import { appendEntriesSelected } from '../store/ledger-store.ts';
import { createUser } from '../store/user-store.ts';
import { insertWallet } from '../store/wallet-store.ts';

const WALLET_ID = 'FT_BENCH_DASHBOARD';
const MARKETS = 100;

export interface SeededStrategy {
  userId: string;
  token: string;
  strategyId: string;
}

/** The common columns of one generated signal `g`: ids, its market and token, and times one second apart */
const SIGNAL = `
  md5('ft' || g)::uuid AS ft_id, md5('o' || g)::uuid AS o_id, md5('l' || g)::uuid AS l_id, 'bench-' || g AS trade_key,
  '0xbench' || (g % ${MARKETS}) AS cid, 'bench-tok-' || (g % ${MARKETS}) || '-yes' AS tok,
  $1::timestamptz + g * interval '1 second' AS at, g % 10 = 0 AS cancelled`;

/** A set-based INSERT, or rows for the ledger (appended through the ledger module, the only writer of its table) */
type Step = string | { ledger: string };

const STEPS: Step[] = [
  `INSERT INTO markets (condition_id, question, outcomes, clob_token_ids, tick_size, min_size, accepting_orders, source)
   SELECT '0xbench' || m, 'Bench market ' || m, ARRAY['Yes', 'No'], ARRAY['bench-tok-' || m || '-yes', 'bench-tok-' || m || '-no'],
     0.01, 5, true, 'bench'
   FROM generate_series(0, ${MARKETS - 1}) m`,
  `INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time, transaction_hash, source)
   SELECT trade_key, '0xtrader', 'BUY', tok, cid, 20, 0.5, 10, at, 'tx-' || trade_key, 'bench'
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  `INSERT INTO ft_orders (order_id, wallet_id, condition_id, asset, token_label, source_trade_id, trader_address, trader_price,
     entry_price, size, shares, open_shares, open_cost, order_time)
   SELECT ft_id, '${WALLET_ID}', cid, tok, 'Yes', trade_key, '0xtrader', 0.5, 0.5015, 10, 19.940179, 19.940179, 10, at
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  `INSERT INTO ft_dispositions (wallet_id, trade_key, disposition, evaluated_at)
   SELECT '${WALLET_ID}', trade_key, 'taken', at FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  `INSERT INTO orders (order_id, venue, client_order_id, venue_order_id, token_id, condition_id, side, order_type, limit_price,
     size, filled_size, status, lt_user_id, lt_strategy_id, lt_order_id, signal_price, signal_size_usd, source_trade_at, signal_at,
     intent_at, submitted_at, acked_at, first_fill_at, last_fill_at, terminal_at, best_bid, best_ask, mid_price, expected_vwap)
   SELECT o_id, 'polymarket', 'bench:' || g, '0x' || md5('v' || g), tok, cid, 'BUY', 'GTC', 0.51, 19.6,
     CASE WHEN cancelled THEN 0 ELSE 19.6 END, CASE WHEN cancelled THEN 'cancelled' ELSE 'filled' END, $3::uuid, $4::text, l_id, 0.5, 10,
     at, at + interval '50 ms', at + interval '60 ms', at + interval '90 ms', at + interval '120 ms',
     CASE WHEN cancelled THEN NULL ELSE at + interval '200 ms' END, CASE WHEN cancelled THEN NULL ELSE at + interval '200 ms' END,
     at + interval '300 ms', 0.49, 0.51, 0.5, 0.51
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  `INSERT INTO fills (order_id, fill_id, price, size, fee_asset, fee_amount, role, venue_status, filled_at)
   SELECT o_id, 'fill-' || g, 0.51, 19.6, 'shares', 0, 'taker', 'CONFIRMED', at + interval '200 ms'
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s WHERE NOT cancelled`,
  `INSERT INTO lt_orders (lt_order_id, user_id, strategy_id, order_id, ft_order_id, leg, source_trade_id, signal_price)
   SELECT l_id, $3::uuid, $4::text, o_id, ft_id, 'entry', trade_key, 0.5
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  `INSERT INTO lt_dispositions (user_id, strategy_id, ft_order_id, leg, disposition, decided_at)
   SELECT $3::uuid, $4::text, ft_id, 'entry', 'ordered', at + interval '40 ms' FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  `INSERT INTO lt_execution_quality (order_id, user_id, strategy_id, condition_id, token_id, side, order_type, is_shadow,
     expected_price, best_bid, best_ask, mid_price, spread, tick_size, signal_price, ft_price, executed_price, intended_shares,
     filled_shares, intended_usd, filled_usd, fees_usd, fill_rate, fill_rate_usd, partial_fill_count, expected_slippage_pct,
     signal_slippage_pct, signal_slippage_cents, mid_slippage_pct, mid_slippage_cents, mid_slippage_ticks, order_latency_ms,
     fill_latency_ms, detection_latency_ms, quality_score, quality_version, quality_components, signal_at, submitted_at,
     first_fill_at, computed_at)
   SELECT o_id, $3::uuid, $4::text, cid, tok, 'BUY', 'GTC', false,
     0.51, 0.49, 0.51, 0.5, 0.02, 0.01, 0.5, 0.5015, CASE WHEN cancelled THEN NULL ELSE 0.51 END, 19.6,
     CASE WHEN cancelled THEN 0 ELSE 19.6 END, 9.996, CASE WHEN cancelled THEN 0 ELSE 9.996 END, 0,
     CASE WHEN cancelled THEN 0 ELSE 1 END, CASE WHEN cancelled THEN 0 ELSE 1 END, 0, 2,
     CASE WHEN cancelled THEN NULL ELSE 2 END, CASE WHEN cancelled THEN NULL ELSE 1 END,
     CASE WHEN cancelled THEN NULL ELSE 2 END, CASE WHEN cancelled THEN NULL ELSE 1 END, CASE WHEN cancelled THEN NULL ELSE 1 END,
     50, CASE WHEN cancelled THEN NULL ELSE 150 END, CASE WHEN cancelled THEN NULL ELSE 10 END,
     CASE WHEN cancelled THEN NULL ELSE 80 END, 'bench', '[]'::jsonb, at + interval '40 ms', at + interval '50 ms',
     CASE WHEN cancelled THEN NULL ELSE at + interval '200 ms' END, at + interval '300 ms'
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s`,
  { ledger: `SELECT md5('r' || g)::uuid, $3::uuid, $4::text, 'live', 'reserve', 9.996, o_id, 'reserve:' || o_id, at + interval '40 ms'
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s` },
  { ledger: `SELECT md5('x' || g)::uuid, $3::uuid, $4::text, 'live', 'release', 9.996, o_id, 'release:' || o_id, at + interval '300 ms'
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s WHERE cancelled` },
  { ledger: `SELECT md5('e' || g)::uuid, $3::uuid, $4::text, 'live', 'buy_fill', 9.996, o_id, 'fill:' || g, at + interval '200 ms'
   FROM (SELECT g, ${SIGNAL} FROM generate_series(1, $2::int) g) s WHERE NOT cancelled` },
];

async function launchedStrategy(db: Db, launchedAt: Date): Promise<SeededStrategy> {
  const deps = { db, clock: systemClock };
  await insertWallet(db, parseFtWallet({ wallet_id: WALLET_ID, use_model: false, min_edge: null, min_trader_resolved_count: null,
    bet_size: '10', starting_balance: '100000000', start_date: launchedAt.toISOString() }, launchedAt));
  const { user, token } = await createUser(db, 'bench');
  const created = await createLtStrategy(deps, user.userId, { ft_wallet_id: WALLET_ID, starting_capital: '20000000',
    wallet_address: `0x${'ee'.repeat(20)}` });
  if (!created.ok) throw new Error(`create LT strategy: ${JSON.stringify(created.error)}`);
  const launched = await launchLtStrategy(deps, user.userId, created.value.strategyId);
  if (!launched.ok) throw new Error(`launch LT strategy: ${JSON.stringify(launched.error)}`);
  // The seeded history starts at `launchedAt`, in the past
  await db.query('UPDATE lt_strategies SET launched_at = $3 WHERE user_id = $1 AND strategy_id = $2',
    [user.userId, created.value.strategyId, launchedAt.toISOString()]);
  return { userId: user.userId, token, strategyId: created.value.strategyId };
}

/** Seeds `count` signals, step by step (each a set-based INSERT), then ANALYZE */
export async function seedLtOrders(db: Db, count: number, progress: (text: string) => void): Promise<SeededStrategy> {
  const launchedAt = new Date(Date.now() - (count + 86_400) * 1000);
  const seeded = await launchedStrategy(db, launchedAt);
  for (const [i, step] of STEPS.entries()) {
    const t0 = performance.now();
    const base = [launchedAt.toISOString(), count];
    const sql = typeof step === 'string' ? step : step.ledger;
    const params = sql.includes('$3') ? [...base, seeded.userId, seeded.strategyId] : sql.includes('$1') ? base : [];
    if (typeof step === 'string') await db.query(step, params);
    else await appendEntriesSelected(db, step.ledger, params);
    progress(`dashboard seed: step ${i + 1}/${STEPS.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await db.query('ANALYZE');
  return seeded;
}

/**
 * What the service does once it has recovered (and every minute): the read-models job builds the seeded strategy's
 * read models in the background, so no timed dashboard read has to. Returns its time in ms
 */
export async function buildReadModels(db: Db, progress: (text: string) => void, label: string): Promise<number> {
  const t0 = performance.now();
  const job = await refreshReadModels({ db, clock: systemClock });
  const ms = Math.round(performance.now() - t0);
  progress(`${label}: read-models job built ${job.refreshed} models in ${ms} ms`);
  return ms;
}
