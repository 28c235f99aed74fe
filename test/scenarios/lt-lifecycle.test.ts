/** LT strategy lifecycles end to end through the engine: capital through a trade's life, shadow beside live, users apart, racing commands */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import type { LedgerKind } from '../../src/domain/ledger.ts';
import { canOpenOrders, type LtMode } from '../../src/domain/lt-strategy.ts';
import { formatMicros } from '../../src/domain/money.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import {
  createLtStrategy, engageKillSwitch, launchLtStrategy, ltCapital, pauseLtStrategy, releaseKillSwitch, resumeLtStrategy,
  setLtMode, stopLtStrategy, updateLtSettings, withdrawLtCapital, type LtCapital, type LtDeps,
} from '../../src/engine/lt-strategies.ts';
import {
  getLtStrategy, isKillSwitchEngaged, listLaunchedStrategies, listLtAudit,
} from '../../src/store/lt-strategy-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

const WALLET = '0x' + 'd'.repeat(40);
let t: TestDb;
let deps: LtDeps;
const clock = new ManualClock('2026-03-01T12:00:00Z');
let alice: string;
let bob: string;

/** Books what the executor and the resolver would, with the ledger's own ref scheme */
let refs = 0;
const book = (user: string, id: string, mode: LtMode, kind: LedgerKind, amount: string, costBasis?: string) =>
  t.db.query(`INSERT INTO ledger_entries (entry_id, user_id, strategy_id, book, kind, amount, cost_basis, ref, created_at)
    VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8)`,
  [user, id, mode, kind, amount, costBasis ?? null, `${kind}:scenario-${++refs}`, clock.now()]);
const capital = async (user: string, id: string) => (await ltCapital(t.db, user, id))!;
const buckets = (c: LtCapital) => Object.fromEntries((['available', 'locked', 'cooldown', 'realized', 'fees', 'equity'] as const)
  .map((k) => [k, formatMicros(c[k])]));
const create = async (user: string, ft: string, extra: Record<string, unknown> = {}) => {
  const r = await createLtStrategy(deps, user, { ft_wallet_id: ft, starting_capital: '100', wallet_address: WALLET, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.strategyId;
};

beforeAll(async () => {
  t = await openTestDb();
  deps = { db: t.db, clock };
  alice = (await createUser(t.db, 'alice')).user.userId;
  bob = (await createUser(t.db, 'bob')).user.userId;
  for (const id of ['FT_LIFE', 'FT_SHADOW', 'FT_BOTH', 'FT_RACE']) {
    await insertWallet(t.db, parseFtWallet({ wallet_id: id, start_date: '2026-01-01T00:00:00Z' }, clock.now()));
  }
});
afterAll(async () => t?.close());

describe(`LT lifecycle (${backendName})`, () => {
  it('carries capital through a buy, a partial sale, a fee and a losing settlement, conserved at every step', async () => {
    const id = await create(alice, 'FT_LIFE', { cooldown_seconds: 3600 });
    await launchLtStrategy(deps, alice, id);
    const launchedAt = (await getLtStrategy(t.db, alice, id))!.launchedAt;
    const steps: [LedgerKind, string, string | undefined, Record<string, string>][] = [
      ['reserve', '11', undefined, { available: '89.000000', locked: '11.000000', equity: '100.000000' }],
      ['buy_fill', '10.4', undefined, { available: '89.000000', locked: '11.000000' }],
      ['release', '0.6', undefined, { available: '89.600000', locked: '10.400000' }],
      ['sell_fill', '6', '5.2', { available: '95.600000', locked: '5.200000', realized: '0.800000' }],
      ['fee', '0.05', undefined, { available: '95.550000', realized: '0.750000', fees: '0.050000' }],
      ['settlement', '0', '5.2', { available: '95.550000', locked: '0.000000', cooldown: '0.000000', realized: '-4.450000', equity: '95.550000' }],
    ];
    for (const [kind, amount, basis, want] of steps) {
      clock.advance(1000);
      await book(alice, id, 'live', kind, amount, basis);
      const c = await capital(alice, id);
      expect([kind, buckets(c)]).toEqual([kind, expect.objectContaining(want)]);
      expect(c.conserved).toBe(true);
    }
    // A loss is drawdown from the 100 peak; a withdrawal scales the peak and leaves the drawdown as it was
    const before = await capital(alice, id);
    expect(formatMicros(before.drawdown!)).toBe('0.044500');
    const w = await withdrawLtCapital(deps, alice, id, { amount: '50' });
    expect(w.ok && formatMicros(w.value.capital.drawdown!)).toBe('0.044500');
    // Stop and relaunch: launched_at and the launch deposit stay as they were
    await stopLtStrategy(deps, alice, id);
    clock.advance(86_400_000);
    await launchLtStrategy(deps, alice, id);
    expect((await getLtStrategy(t.db, alice, id))!.launchedAt).toEqual(launchedAt);
    expect(formatMicros((await capital(alice, id)).netDeposits)).toBe('50.000000');
  });

  it('keeps proceeds in cooldown out of a withdrawal until they are redeemed', async () => {
    const id = 'LT_FT_LIFE';
    await book(alice, id, 'live', 'reserve', '10');
    await book(alice, id, 'live', 'buy_fill', '10');
    await book(alice, id, 'live', 'settlement', '20', '10');
    const c = await capital(alice, id);
    expect(buckets(c)).toMatchObject({ available: '35.550000', cooldown: '20.000000', locked: '0.000000' });
    const tooMuch = await withdrawLtCapital(deps, alice, id, { amount: '35.550001' });
    expect(!tooMuch.ok && tooMuch.error.kind).toBe('conflict');
    await book(alice, id, 'live', 'redemption', '20');
    const all = await withdrawLtCapital(deps, alice, id, { amount: '55.55' });
    expect(all.ok && buckets(all.value.capital)).toMatchObject({ available: '0.000000', equity: '0.000000' });
    expect(all.ok && all.value.capital.conserved).toBe(true);
  });

  it('runs shadow in its own book: switching to live later finds the live book untouched, and back again', async () => {
    const id = await create(alice, 'FT_SHADOW', { mode: 'shadow', wallet_address: null });
    await launchLtStrategy(deps, alice, id); // shadow needs no signing wallet
    await book(alice, id, 'shadow', 'reserve', '40');
    await book(alice, id, 'shadow', 'buy_fill', '40');
    await book(alice, id, 'shadow', 'settlement', '0', '40');
    expect(buckets(await capital(alice, id))).toMatchObject({ equity: '60.000000', realized: '-40.000000' });
    await stopLtStrategy(deps, alice, id);
    expect((await setLtMode(deps, alice, id, 'live')).ok).toBe(true);
    expect(buckets(await capital(alice, id))).toMatchObject({ equity: '0.000000' });
    const noWallet = await launchLtStrategy(deps, alice, id);
    expect(!noWallet.ok && noWallet.error.message).toMatch(/wallet_address/);
    await updateLtSettings(deps, alice, id, { wallet_address: WALLET });
    await launchLtStrategy(deps, alice, id);
    const live = await capital(alice, id);
    expect([live.book, formatMicros(live.equity), formatMicros(live.peak), formatMicros(live.drawdown!)])
      .toEqual(['live', '100.000000', '100.000000', '0.000000']);
    await stopLtStrategy(deps, alice, id);
    await setLtMode(deps, alice, id, 'shadow');
    expect(buckets(await capital(alice, id))).toMatchObject({ equity: '60.000000' }); // the shadow book as it was
  });

  it("keeps users apart: the same FT wallet, two strategies, two ledgers, each user's own kill switch", async () => {
    const a = await create(alice, 'FT_BOTH', { starting_capital: '10' });
    const b = await create(bob, 'FT_BOTH', { starting_capital: '20' });
    expect(a).toBe(b); // the same id, scoped by user
    await launchLtStrategy(deps, alice, a);
    await launchLtStrategy(deps, bob, b);
    expect([formatMicros((await capital(alice, a)).equity), formatMicros((await capital(bob, b)).equity)])
      .toEqual(['10.000000', '20.000000']);
    await engageKillSwitch(deps, alice, 'drill');
    const open = async (user: string) => canOpenOrders((await getLtStrategy(t.db, user, a))!, await isKillSwitchEngaged(t.db, user));
    expect([await open(alice), await open(bob)]).toEqual([false, true]);
    await releaseKillSwitch(deps, alice);
    await pauseLtStrategy(deps, bob, b, 'manual check');
    expect([await open(alice), await open(bob)]).toEqual([true, false]);
    // A paused strategy is still launched and active: its exits and cancels keep running
    expect((await listLaunchedStrategies(t.db)).filter((s) => s.strategyId === b).map((s) => s.userId).sort())
      .toEqual([alice, bob].sort());
    await resumeLtStrategy(deps, bob, b);
    expect(await open(bob)).toBe(true);
    const aliceAudit = (await listLtAudit(t.db, alice, null, 100)).map((r) => r.command);
    expect(aliceAudit).toContain('kill_switch_engage');
    expect((await listLtAudit(t.db, bob, null, 100)).map((r) => r.command)).not.toContain('kill_switch_engage');
  });

  it('lets exactly one of three racing withdrawals through, and exactly one of two racing creates', async () => {
    const creates = await Promise.all([1, 2].map(() => createLtStrategy(deps, alice,
      { ft_wallet_id: 'FT_RACE', starting_capital: '100', wallet_address: WALLET })));
    expect(creates.map((r) => (r.ok ? 'ok' : r.error.kind)).sort()).toEqual(['conflict', 'ok']);
    await launchLtStrategy(deps, alice, 'LT_FT_RACE');
    const results = await Promise.all([1, 2, 3].map(() => withdrawLtCapital(deps, alice, 'LT_FT_RACE', { amount: '60' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const c = await capital(alice, 'LT_FT_RACE');
    expect([formatMicros(c.available), c.conserved]).toEqual(['40.000000', true]);
    const n = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entries WHERE strategy_id = 'LT_FT_RACE'`);
    expect(n[0]!.n).toBe(2); // the launch deposit and one withdrawal
  });
});
