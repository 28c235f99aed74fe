/** LT strategy commands against a real database: settings validation, the launch snapshot, capital from sums, withdrawal bounds */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, backendName, type TestDb } from '../../test/support/test-db.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import { applyEntry, foldLedger, ZERO_BALANCES, type Balances, type LedgerEntry, type LedgerKind } from '../domain/ledger.ts';
import { formatMicros, usdc, type Usdc } from '../domain/money.ts';
import { Prng } from '../domain/prng.ts';
import { balancesFromSums, type LedgerSums } from '../domain/ledger.ts';
import { appendEntries } from '../store/ledger-store.ts';
import { decodeFtConfig, encodeFtConfig } from '../store/lt-strategy-store.ts';
import { createUser } from '../store/user-store.ts';
import { getWallet, insertWallet, updateWallet } from '../store/wallet-store.ts';
import { ManualClock } from './clock.ts';
import {
  createLtStrategy, depositLtCapital, launchLtStrategy,
  ltCapital, setLtMode, stopLtStrategy, updateLtSettings, withdrawLtCapital, type LtDeps,
} from './lt-strategies.ts';
import { ftConfigForStrategy, syncFtChanges } from './lt-ft-config.ts';

const WALLET = '0x' + 'c'.repeat(40);
const ftInput = (id: string, extra: Record<string, unknown> = {}) =>
  ({ wallet_id: id, bet_size: '2', price_min: '0.1', start_date: '2026-01-01T00:00:00Z', ...extra });

describe('balancesFromSums', () => {
  /** A random valid ledger: each step picks a kind the current balances allow, with an amount that fits */
  function randomLedger(rng: Prng, steps: number): LedgerEntry[] {
    let b: Balances = ZERO_BALANCES;
    const out: LedgerEntry[] = [];
    const upTo = (cap: bigint) => BigInt(rng.int(0, Number(cap > 50_000000n ? 50_000000n : cap)));
    for (let i = 0; i < steps; i++) {
      const options: [LedgerKind, bigint, bigint?][] = [['deposit', upTo(50_000000n)]];
      if (b.available > 0n) options.push(['withdrawal', upTo(b.available)], ['reserve', upTo(b.available)], ['fee', upTo(b.available / 10n)]);
      if (b.reserved > 0n) options.push(['release', upTo(b.reserved)], ['buy_fill', upTo(b.reserved)]);
      if (b.positionCost > 0n) {
        options.push(['sell_fill', upTo(50_000000n), upTo(b.positionCost)], ['settlement', upTo(50_000000n), upTo(b.positionCost)]);
      }
      if (b.cooldown > 0n) options.push(['redemption', upTo(b.cooldown)]);
      const [kind, amount, basis] = options[rng.int(0, options.length - 1)]!;
      const entry: LedgerEntry = { kind, amount: amount as Usdc, ...(basis !== undefined ? { costBasis: basis as Usdc } : {}) };
      b = applyEntry(b, entry);
      out.push(entry);
    }
    return out;
  }

  it('equals foldLedger over 200 random valid ledgers', () => {
    const rng = new Prng(7);
    for (let n = 0; n < 200; n++) {
      const entries = randomLedger(rng, rng.int(1, 60));
      const sums: LedgerSums = {};
      for (const e of entries) {
        const s = sums[e.kind] ?? { amount: 0n as Usdc, costBasis: 0n as Usdc };
        sums[e.kind] = { amount: (s.amount + e.amount) as Usdc, costBasis: (s.costBasis + (e.costBasis ?? 0n)) as Usdc };
      }
      expect(balancesFromSums(sums)).toEqual(foldLedger(entries));
    }
  });
});

describe(`LT strategy engine on ${backendName}`, () => {
  let t: TestDb;
  let deps: LtDeps;
  let clock: ManualClock;
  let user: string;
  beforeAll(async () => {
    t = await openTestDb();
    clock = new ManualClock('2026-03-01T12:00:00Z');
    deps = { db: t.db, clock };
    user = (await createUser(t.db, 'engine')).user.userId;
    for (const id of ['FT_E_ONE', 'FT_E_TWO', 'FT_E_SYNC_ON', 'FT_E_SYNC_OFF', 'FT_E_CASH', 'FT_E_MODE']) {
      await insertWallet(t.db, parseFtWallet(ftInput(id), clock.now()));
    }
  });
  afterAll(async () => t?.close());
  beforeEach(() => clock.advance(1000));

  const create = (ft: string, extra: Record<string, unknown> = {}) =>
    createLtStrategy(deps, user, { ft_wallet_id: ft, starting_capital: '100', wallet_address: WALLET, ...extra });

  it('fills absent settings with the column defaults and keeps null as no limit', async () => {
    const r = await create('FT_E_ONE', { max_signal_age_seconds: null, daily_budget_usd: '0' });
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value;
    expect(s).toMatchObject({ strategyId: 'LT_FT_E_ONE', mode: 'live', isActive: false, launchedAt: null, orderType: 'GTC',
      orderTtlSeconds: null, maxSignalAgeSeconds: null, latencyAlertMs: 2000, cooldownSeconds: 0, syncFtChanges: false });
    expect(s.walletAddress).toBe(WALLET);
    expect([s.startingCapital, s.peakEquity, s.slippageTolerancePct]).toEqual([usdc('100'), usdc('100'), 500000n]);
    expect(s.limits).toEqual({ minOrderUsd: usdc('1'), maxOrderUsd: usdc('100'), maxPositionPerMarketUsd: null,
      maxTotalExposureUsd: null, dailyBudgetUsd: 0n, maxDailyLossUsd: null, maxDrawdown: null });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown field', { stop_loss_pct: '5' }, /stop_loss_pct|unrecognized/i],
    ['a missing starting_capital', { starting_capital: undefined }, /starting_capital/],
    ['a zero starting_capital', { starting_capital: '0' }, /starting_capital/],
    ['slippage above 100', { slippage_tolerance_pct: '100.0001' }, /slippage_tolerance_pct/],
    ['a zero max_drawdown_pct', { max_drawdown_pct: 0 }, /max_drawdown_pct/],
    ['max_drawdown_pct above 100', { max_drawdown_pct: '100.5' }, /max_drawdown_pct/],
    ['money with 7 decimals', { max_order_usd: '1.0000001' }, /max_order_usd/],
    ['a negative limit', { daily_budget_usd: '-1' }, /daily_budget_usd/],
    ['an unknown order type', { order_type: 'IOC' }, /order_type|invalid/i],
    ['GTD without a TTL', { order_type: 'GTD' }, /GTD needs/],
    ['GTD with a TTL the venue refuses', { order_type: 'GTD', order_ttl_seconds: 60 }, /GTD needs/],
    ['FOK with a TTL', { order_type: 'FOK', order_ttl_seconds: 30 }, /does nothing for FOK/],
    ['FAK with a TTL', { order_type: 'FAK', order_ttl_seconds: 30 }, /does nothing for FAK/],
    ['min above max', { min_order_usd: '10', max_order_usd: '5' }, /min_order_usd > max_order_usd/],
    ['a short wallet address', { wallet_address: '0x1234' }, /wallet_address/],
    ['a fractional cooldown', { cooldown_seconds: 1.5 }, /cooldown_seconds/],
    ['a zero signal age', { max_signal_age_seconds: 0 }, /max_signal_age_seconds/],
  ])('refuses %s as invalid', async (_name, extra, message) => {
    const r = await create('FT_E_TWO', extra);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('invalid');
    expect(JSON.stringify(r.error.issues)).toMatch(message);
  });

  it('accepts the boundaries: slippage 0 and 100, drawdown 100, GTD with 61 s, FAK without a TTL', async () => {
    const r = await create('FT_E_TWO', { slippage_tolerance_pct: 0, max_drawdown_pct: '100', order_type: 'GTD', order_ttl_seconds: 61 });
    expect(r.ok).toBe(true);
    for (const patch of [{ slippage_tolerance_pct: '100' }, { order_type: 'FAK', order_ttl_seconds: null }]) {
      expect((await updateLtSettings(deps, user, 'LT_FT_E_TWO', patch)).ok).toBe(true);
    }
    const patched = await updateLtSettings(deps, user, 'LT_FT_E_TWO', { order_ttl_seconds: 30 });
    expect(!patched.ok && patched.error.message).toBe('invalid settings'); // checked on the merged settings
  });

  it('with sync_ft_changes on, serves the FT filters as they are now but sizing as launched', async () => {
    const s = await create('FT_E_SYNC_ON', { sync_ft_changes: true });
    expect((await launchLtStrategy(deps, user, 'LT_FT_E_SYNC_ON')).ok).toBe(true);
    const ft = (await getWallet(t.db, 'FT_E_SYNC_ON'))!;
    await updateWallet(t.db, { ...ft, priceMin: 300000n, betSize: usdc('9'), maxBet: usdc('50') });
    const cfg = await ftConfigForStrategy(t.db, s.ok ? s.value : (null as never));
    expect([cfg.priceMin, cfg.betSize, cfg.maxBet]).toEqual([300000n, usdc('2'), usdc('10')]);
    const [report] = (await syncFtChanges(deps)).filter((r) => r.strategyId === 'LT_FT_E_SYNC_ON');
    expect(report).toMatchObject({ syncFtChanges: true, applied: ['price_min'], held: ['bet_size', 'max_bet'] });
  });

  it('with sync_ft_changes off, serves the FT configuration as it was at the first launch', async () => {
    const s = await create('FT_E_SYNC_OFF');
    if (!s.ok) throw new Error(s.error.message);
    const launchedWith = (await getWallet(t.db, 'FT_E_SYNC_OFF'))!;
    await launchLtStrategy(deps, user, s.value.strategyId);
    await updateWallet(t.db, { ...launchedWith, priceMin: 300000n, targetTraders: [WALLET], betSize: usdc('9') });
    expect(await ftConfigForStrategy(t.db, s.value)).toEqual(launchedWith);
    // A stop and a relaunch keep the first snapshot; turning sync on follows FT's filters from then on
    await stopLtStrategy(deps, user, s.value.strategyId);
    await launchLtStrategy(deps, user, s.value.strategyId);
    expect(await ftConfigForStrategy(t.db, s.value)).toEqual(launchedWith);
    const on = await updateLtSettings(deps, user, s.value.strategyId, { sync_ft_changes: true });
    const cfg = await ftConfigForStrategy(t.db, on.ok ? on.value : (null as never));
    expect([cfg.priceMin, cfg.targetTraders, cfg.betSize]).toEqual([300000n, [WALLET], usdc('2')]);
  });

  it('round-trips an FT configuration through its JSON snapshot', async () => {
    const w = (await getWallet(t.db, 'FT_E_ONE'))!;
    expect(decodeFtConfig(JSON.parse(JSON.stringify(encodeFtConfig(w))))).toEqual(w);
  });

  it('allows a withdrawal of exactly the available cash and refuses one cent more; locked cash is not available', async () => {
    const s = await create('FT_E_CASH');
    const id = s.ok ? s.value.strategyId : '';
    expect((await withdrawLtCapital(deps, user, id, { amount: '1' })).ok).toBe(false); // not launched
    await launchLtStrategy(deps, user, id);
    const entry = (kind: LedgerKind, amount: string) => appendEntries(t.db,
      [{ userId: user, strategyId: id, book: 'live', kind, amount: usdc(amount), ref: `${kind}:test`, createdAt: clock.now() }]);
    await entry('reserve', '30'); // as the executor would, for a resting order
    const cap = (await ltCapital(t.db, user, id))!;
    expect([formatMicros(cap.available), formatMicros(cap.locked), cap.conserved]).toEqual(['70.000000', '30.000000', true]);
    const over = await withdrawLtCapital(deps, user, id, { amount: '70.000001' });
    expect(!over.ok && over.error).toMatchObject({ kind: 'conflict', message: /exceeds available cash 70.000000/ });
    const exact = await withdrawLtCapital(deps, user, id, { amount: '70' });
    if (!exact.ok) throw new Error(exact.error.message);
    expect(exact.value.capital).toMatchObject({ available: 0n, locked: usdc('30'), equity: usdc('30'), conserved: true });
    // The high-water mark moved with the withdrawal: no drawdown from taking money out
    expect([exact.value.capital.peak, exact.value.capital.drawdown]).toEqual([usdc('30'), 0n]);
    const dep = await depositLtCapital(deps, user, id, { amount: '5', ref: 'topup-1' });
    const again = await depositLtCapital(deps, user, id, { amount: '5', ref: 'topup-1' });
    expect([dep.ok && dep.value.booked, again.ok && again.value.booked]).toEqual([true, false]);
    expect((await ltCapital(t.db, user, id))!).toMatchObject({ available: usdc('5'), netDeposits: usdc('35'), peak: usdc('35') });
  });

  it('switches mode only while stopped, and each book starts from its own peak', async () => {
    const s = await create('FT_E_MODE');
    const id = s.ok ? s.value.strategyId : '';
    await launchLtStrategy(deps, user, id);
    const active = await setLtMode(deps, user, id, 'shadow');
    expect(!active.ok && active.error.kind).toBe('conflict');
    await stopLtStrategy(deps, user, id);
    const shadow = await setLtMode(deps, user, id, 'shadow');
    expect(shadow.ok && shadow.value.mode).toBe('shadow');
    expect((await ltCapital(t.db, user, id))!).toMatchObject({ book: 'shadow', equity: 0n, peak: usdc('100') });
    await launchLtStrategy(deps, user, id);
    expect((await ltCapital(t.db, user, id))!).toMatchObject({ book: 'shadow', equity: usdc('100'), available: usdc('100') });
    const capital = await updateLtSettings(deps, user, id, { starting_capital: '500' });
    expect(!capital.ok && capital.error).toMatchObject({ kind: 'conflict', message: /cannot change after launch/ });
  });
});
