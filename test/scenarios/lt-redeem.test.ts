/**
 * Redemption on chain (issue 10 item 2) on the simulated venue and chain with a manual clock: a won position is
 * settled but not spendable until its redemption transaction is confirmed and paid into the wallet; neg-risk markets
 * go through the adapter's amounts; a failed transaction is retried with backoff and alerted, never booked; a crash
 * between recording and sending (or sending and reading the receipt) never redeems twice
 */
import { afterEach, describe, expect, it } from 'vitest';
import { price, ratio, usdc, shares } from '../../src/domain/money.ts';
import type { Chain } from '../../src/engine/chain-port.ts';
import type { CrashPoint } from '../../src/engine/lt-hooks.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { redemptionsOf } from '../../src/store/redemption-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { backendName } from '../support/test-db.ts';
import { ACCOUNT, CID, createLtWorld, finalMarket, MAKER, SIGNER, YES, type LtWorld } from '../support/lt-world.ts';
import { market } from '../support/ft-world.ts';

const WON: [bigint, bigint] = [1_000000n, 0n];

/** Buys 20 YES at 0.50 ($10 of the $1000 capital), and the market resolves Yes at Gamma and at the venue */
async function wonPosition(w: LtWorld, negRisk = false): Promise<void> {
  w.asks([['0.50', '100']]);
  await w.buySignal({ price: 0.5 });
  await w.execute();
  w.ft.markets.setMarket({ ...finalMarket(WON), negRisk });
  await w.ft.resolve();
  w.exchange.resolve(CID, WON);
}

const wallet = (w: LtWorld) => w.exchange.balance(ACCOUNT, COLLATERAL).total;
const redemptionEntries = async (w: LtWorld) => (await w.ft.t.db.query<{ amount: string }>(
  `SELECT amount::text AS amount FROM ledger_entries WHERE kind = 'redemption'`)).map((r) => r.amount);
const alerts = (w: LtWorld) => w.ft.t.db.query<{ kind: string; severity: string; message: string; detail: Record<string, unknown> }>(
  `SELECT kind, severity, message, detail FROM lt_alerts ORDER BY fired_at`);

describe(`LT redemption on chain (${backendName})`, () => {
  let w: LtWorld | undefined;
  afterEach(async () => w?.close());

  it('a resolved winning position stays out of available cash until the redeem is confirmed, then is exactly available', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    const before = wallet(w);
    expect(w.exchange.balance(ACCOUNT, YES).total).toBe(shares('20')); // the venue holds the won tokens, unpaid
    w.chain.faults.holdNext(); // mined only when the test says so
    const first = await w.resolve();
    expect(first).toMatchObject({ settled: 1, redeemed: 0, errors: [], onChain: { submitted: 1, pending: 1, booked: 0 } });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20'), realizedPnl: usdc('10') });
    const [sent] = await redemptionsOf(w.ft.t.db);
    expect(sent).toMatchObject({ state: 'redeeming', attempts: 1, amount: usdc('20'), shares: shares('20'), negRisk: false });
    expect(sent!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { submitted: 0, pending: 1 } });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(wallet(w)).toBe(before);

    w.chain.mine();
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { booked: 1, pending: 0 } });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
    expect(wallet(w) - before).toBe(usdc('20'));
    expect(w.exchange.balance(ACCOUNT, YES).total).toBe(0n);
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemed', txHash: sent!.txHash,
      collateralIn: usdc('20'), confirmedAt: w.ft.clock.now() })]);
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });
    expect(await redemptionEntries(w)).toEqual(['20.000000']);
    expect(w.chain.mined).toHaveLength(1);
    expect(w.chain.approvals).toEqual([{ negRisk: false }]); // the standard adapter, approved before the first redeem
  });

  it('a losing position needs no redemption, and the cooldown delays the redeem', async () => {
    w = await createLtWorld({ settings: { cooldown_seconds: 600 } });
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5, asset: YES });
    await w.execute();
    w.ft.markets.setMarket(finalMarket([0n, 1_000000n]));
    await w.ft.resolve();
    w.exchange.resolve(CID, [0n, 1_000000n]);
    expect(await w.resolve()).toMatchObject({ settled: 1, onChain: { submitted: 0 } });
    expect(await redemptionsOf(w.ft.t.db)).toEqual([]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: 0n, realizedPnl: usdc('-10') });
  });

  it('a neg-risk market is redeemed through the adapter with the amounts held per outcome', async () => {
    w = await createLtWorld({ negRisk: true, settings: { cooldown_seconds: 600 } });
    await wonPosition(w, true);
    w.exchange.credit(ACCOUNT, YES, shares('5')); // tokens the ledger does not know: the adapter leaves them alone
    expect(await w.resolve()).toMatchObject({ settled: 1, onChain: { submitted: 0 } }); // the cooldown first
    w.ft.clock.advance(600_000);
    const before = wallet(w);
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1 } });
    expect(w.chain.mined).toEqual([expect.objectContaining({ paid: usdc('20'),
      tx: expect.objectContaining({ negRisk: true, conditionId: CID, amounts: ['20000000', '0'] }) })]);
    expect(wallet(w) - before).toBe(usdc('20'));
    expect(w.exchange.balance(ACCOUNT, YES).total).toBe(shares('5'));
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
    expect(w.chain.approvals).toEqual([{ negRisk: true }]); // the neg-risk adapter, approved on its own
  });

  it('an approval the node refuses is alerted and sends no redemption; the next run approves and redeems', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    w.chain.faults.refuseApprovalNext();
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { submitted: 0, failed: 1, booked: 0 } });
    expect(w.chain.mined).toEqual([]);
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemable', attempts: 0, txHash: null })]);
    const [alert] = await alerts(w);
    expect(alert).toMatchObject({ kind: 'redemption', severity: 'critical', detail: expect.objectContaining({ condition_id: CID,
      error: expect.stringContaining('insufficient funds for gas') }) });
    expect(alert!.message).toContain('could not approve the collateral adapter');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, failed: 0 } });
    expect(w.chain.approvals).toEqual([{ negRisk: false }]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  });

  it('a redemption through an adapter whose approval was withdrawn reverts: alerted, never booked; the retry approves again', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    const before = wallet(w);
    w.chain.faults.holdNext();
    expect(await w.resolve()).toMatchObject({ onChain: { submitted: 1, pending: 1 } }); // approved, then sent
    w.chain.revokeApproval(false); // withdrawn before the transaction is mined
    w.chain.mine();
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { failed: 1, booked: 0 } });
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'failed',
      lastError: 'reverted: execution reverted: not approved' })]);
    expect((await alerts(w))[0]!.message).toContain('failed (attempt 1): reverted');
    expect(wallet(w)).toBe(before);
    w.ft.clock.advance(60_000);
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1 } });
    expect(w.chain.approvals).toEqual([{ negRisk: false }, { negRisk: false }]);
    expect(wallet(w) - before).toBe(usdc('20'));
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  });

  it('a failed redeem transaction is retried with backoff and alerted, never booked', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    w.chain.faults.revertNext();
    const before = wallet(w);
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { submitted: 1, failed: 1, booked: 0 } });
    expect(await redemptionEntries(w)).toEqual([]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    const [failed] = await redemptionsOf(w.ft.t.db);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, lastError: 'reverted: execution reverted',
      nextAttemptAt: new Date(w.ft.clock.now().getTime() + 60_000) });
    const [alert] = await alerts(w);
    expect(alert).toMatchObject({ kind: 'redemption', severity: 'critical', detail: expect.objectContaining({
      condition_id: CID, tx_hash: failed!.txHash, attempts: 1, usdc: '20.000000' }) });
    expect(alert!.message).toContain(`Redemption of market ${CID} failed (attempt 1): reverted`);

    expect(await w.resolve()).toMatchObject({ onChain: { submitted: 0 } }); // the backoff holds it
    w.ft.clock.advance(60_000);
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, failed: 0 } });
    const [done] = await redemptionsOf(w.ft.t.db);
    expect(done).toMatchObject({ state: 'redeemed', attempts: 2, lastError: null });
    expect(done!.txHash).not.toBe(failed!.txHash);
    expect(await redemptionEntries(w)).toEqual(['20.000000']);
    expect(wallet(w) - before).toBe(usdc('20'));
  });

  it('two runs redeeming two markets of one wallet at once sign and send one after the other: neither takes the nonce the other used', async () => {
    w = await createLtWorld();
    const world = w;
    const second = { conditionId: '0x' + '7'.repeat(64), yes: '7001', no: '7002' };
    world.ft.markets.setMarket(market({ conditionId: second.conditionId, tokenIds: [second.yes, second.no], question: 'Second?', slug: 's2' }));
    world.exchange.addMarket({ conditionId: second.conditionId, question: 'Second?', slug: 's2', negRisk: false, acceptingOrders: true,
      tokens: [{ tokenId: second.yes, outcome: 'Yes' }, { tokenId: second.no, outcome: 'No' }], tickSize: 10_000n,
      minSize: shares('5'), fee: { rate: ratio('0'), exponent: 1 }, endTime: null, closed: false, payouts: null });
    world.exchange.credit(MAKER, second.yes, usdc('1000'));
    world.exchange.place({ orderId: 'ask-2', account: MAKER, tokenId: second.yes, side: 'SELL', price: price('0.50'),
      size: shares('100'), orderType: 'GTC' });
    await world.buySignal({ conditionId: second.conditionId, asset: second.yes, price: 0.5, title: 'Second?' });
    await wonPosition(world); // the first market, and both orders sent
    world.ft.markets.setMarket(market({ conditionId: second.conditionId, tokenIds: [second.yes, second.no], closed: true,
      resolutionStatus: 'resolved', outcomePrices: WON, closedTime: world.ft.clock.now() }));
    await world.ft.resolve();
    world.exchange.resolve(second.conditionId, WON);
    await world.sync();
    // Whichever run records a transaction first waits there, before sending it, until another is recorded: two runs at
    // once would both have taken the wallet's next nonce, and the node refused the one sent second. One after the
    // other, no second transaction can be recorded meanwhile, so the wait runs out (3 s) and the test passes then
    let recordings = 0;
    let recorded: () => void = () => undefined;
    const secondRecorded = new Promise<void>((resolve) => (recorded = resolve));
    const hooks = { at: async (point: string) => {
      if (point !== 'after_redeem_record') return;
      recordings += 1;
      if (recordings === 1) await Promise.race([secondRecorded, new Promise((resolve) => setTimeout(resolve, 3000))]);
      else recorded();
    } };
    const runs = await Promise.all([resolveLt({ ...world.deps, hooks }), resolveLt({ ...world.deps, hooks })]);
    expect(runs.flatMap((r) => [...r.errors, ...(r.onChain?.errors ?? [])])).toEqual([]);
    expect(runs.reduce((n, r) => n + (r.onChain?.failed ?? 0), 0)).toBe(0); // no transaction refused (nonce too low)
    expect(runs.reduce((n, r) => n + (r.onChain?.submitted ?? 0), 0)).toBe(2);
    await world.resolve();
    expect((await redemptionsOf(world.ft.t.db)).map((r) => r.state)).toEqual(['redeemed', 'redeemed']);
    expect(await world.checkLedger()).toMatchObject({ cooldown: 0n, reserved: 0n });
  });

  it.each<CrashPoint>(['after_redeem_record', 'after_redeem_send'])('a crash at %s does not redeem twice: the restart looks the transaction up by its hash', async (point) => {
    w = await createLtWorld();
    await wonPosition(w);
    const before = wallet(w);
    const crash = { at: (p: CrashPoint) => { if (p === point) throw new Error(`crash at ${p}`); } };
    // The run ends at the crash point; what it recorded is followed by the next run
    await expect(resolveLt({ ...w.deps, hooks: crash })).rejects.toThrow(`crash at ${point}`);
    expect(w.chain.mined).toHaveLength(point === 'after_redeem_send' ? 1 : 0);
    const [recorded] = await redemptionsOf(w.ft.t.db);
    expect(recorded).toMatchObject({ state: 'redeeming', attempts: 1 });
    expect(await redemptionEntries(w)).toEqual([]);

    const restarted = await resolveLt(w.deps);
    expect(restarted.errors).toEqual([]);
    await resolveLt(w.deps);
    expect(w.chain.mined).toHaveLength(1);
    expect(w.chain.mined[0]!.txHash).toBe(recorded!.txHash);
    expect(wallet(w) - before).toBe(usdc('20'));
    expect(await redemptionEntries(w)).toEqual(['20.000000']);
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemed', attempts: 1 })]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  });

  it('a lost send is resent with the same bytes, once', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    w.chain.faults.loseNext();
    // Sent, lost on the way: the receipt is unknown to the chain, so the recorded bytes go again and are mined
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { submitted: 1, pending: 1, booked: 0 } });
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { submitted: 0, booked: 1 } });
    expect(await w.resolve()).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });
    expect(w.chain.mined).toHaveLength(1);
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemed', attempts: 1 })]);
  });

  it('a wallet this process cannot sign for raises an alert saying what to redeem by hand, and books nothing', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    const sim = w.chain;
    const proxy: Chain = {
      name: sim.name, address: sim.address, cannotRedeem: 'proxy wallet (signature type 1): no relayer client configured',
      approveRedeem: (c) => sim.approveRedeem(c), signRedeem: (c) => sim.signRedeem(c), send: (s) => sim.send(s), receipt: (h) => sim.receipt(h),
      collateralBalance: () => sim.collateralBalance(),
    };
    expect(await resolveLt({ ...w.deps, chain: proxy })).toMatchObject({ redeemed: 0, onChain: { manual: 1, submitted: 0 } });
    expect(await resolveLt({ ...w.deps, chain: proxy })).toMatchObject({ onChain: { manual: 1 } });
    const rows = await alerts(w);
    expect(rows).toHaveLength(1); // once per cool-down
    expect(rows[0]!.message).toContain(`CtfCollateralAdapter.redeemPositions(pUSD, 0x0, ${CID}, [1, 2])`);
    expect(rows[0]!.message).toContain('no relayer client configured');
    expect(rows[0]!.detail).toMatchObject({ amounts: ['20.000000', '0.000000'], usdc: '20.000000' });
    expect(sim.mined).toEqual([]);
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemable' })]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
  });

  it('a strategy trading through a linked wallet is never redeemed through (or booked against) the process wallet', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    // The strategy's wallet_address is now a wallet its user linked: this process's chain signs for another wallet
    await w.ft.t.db.query(`INSERT INTO user_wallets (user_id, address, signature_type, has_private_key, linked_at)
      VALUES ($1, $2, 0, false, now())`, [w.userId, SIGNER]);
    expect(await w.resolve()).toMatchObject({ settled: 1, redeemed: 0, onChain: { manual: 1, submitted: 0, booked: 0 } });
    const [row] = await alerts(w);
    expect(row!.message).toContain(`Redeem by hand for wallet ${SIGNER}`);
    expect(row!.message).toContain('a linked wallet');
    expect(w.chain.mined).toEqual([]);
    expect(await redemptionsOf(w.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemable' })]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(await redemptionEntries(w)).toEqual([]);
  });

  it('migration 0007 tracks the live settlements booked before it and not redeemed yet', async () => {
    w = await createLtWorld();
    await wonPosition(w);
    const { chain: _chain, ...withoutChain } = w.deps;
    expect(await resolveLt(withoutChain)).toMatchObject({ settled: 1, redeemed: 0, onChain: null });
    const db = w.ft.t.db;
    // The database as 0006 left it: the settlement booked, no redemption tracked
    await db.exec(`DROP TABLE lt_redemptions; DELETE FROM schema_migrations WHERE version = '0007_redemptions'`);
    expect((await migrate(db)).applied).toContain('0007_redemptions');
    expect(await redemptionsOf(db)).toEqual([expect.objectContaining({ state: 'redeemable', conditionId: CID, tokenId: YES,
      outcomeIndex: 0, negRisk: false, shares: shares('20'), amount: usdc('20'), attempts: 0 })]);
    expect(await w.resolve()).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1 } });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  });
});
