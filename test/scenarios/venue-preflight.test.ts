/**
 * Issue 10 item 4, preflight through the venue gate: the Polymarket adapter against the loopback simulator with a
 * wallet funded below its live strategy's capital is degraded and sends no entry; funded enough, it is ready and
 * orders flow. The gate retries a venue it could not build, and never retries what only configuration can mend
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { createVenueGate, type VenueGate } from '../../src/engine/venue-gate.ts';
import { VenueSetupError, type Venue } from '../../src/engine/venue-port.ts';
import { silentLog } from '../../src/log.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { createPolymarketVenue } from '../../src/venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { CID, createLtWorld, NO, YES, type LtWorld } from '../support/lt-world.ts';
import { undiciSend, type HttpSend } from '../../src/venues/polymarket/http-send.ts';

let world: LtWorld | null = null;
let sim: SimServer | null = null;
let gate: VenueGate | null = null;

afterEach(async () => {
  await gate?.stop();
  await sim?.close();
  await world?.close();
  [gate, sim, world] = [null, null, null];
});

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('preflight against the loopback simulator', () => {
  it('a wallet funded below its strategy capital is degraded and sends no entry; funded enough, it trades', async () => {
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key).address.toLowerCase();
    sim = await startSimServer({ port: 0, host: '127.0.0.1', markets: [], fund: '40', mineAfterMs: 0, confirmAfterMs: 0 });
    sim.addMarket({ question: 'Will it rain in Paris?', slug: 'rain-paris', conditionId: CID, tokenIds: [YES, NO], tickSize: '0.01', minSize: '5' });
    sim.seedBook(YES, [['0.40', '1000']], [['0.50', '1000']]);
    world = await createLtWorld({ settings: { wallet_address: account, starting_capital: '100', max_signal_age_seconds: 600 } });
    const sent: string[] = [];
    const counting: HttpSend = (req) => {
      sent.push(`${req.method} ${req.url.pathname}`);
      return undiciSend(req);
    };
    const { db, clock } = world.deps;
    gate = createVenueGate({
      name: 'polymarket', signerAddress: account, db, clock, log: silentLog, checkEveryMs: 600_000,
      connect: () => createPolymarketVenue({ host: sim!.url, privateKey: key, log: silentLog, clock, http: { send: counting } }),
    });
    const venue = gate.venue;
    const deps: LtExecutorDeps = { db, venue, shadowVenue: createShadowVenue(venue, clock), clock, signerAddress: account, gate };

    await world.buySignal();
    const first = await executeLt(deps);
    expect(gate.health()).toMatchObject({
      name: 'polymarket', state: 'degraded',
      reasons: [{ code: 'collateral_short', message: 'collateral 40.00 USDC < capital 100.00 USDC of 1 live strategy' }],
    });
    expect(first).toMatchObject({ ordered: 0, skipped: 1 });
    expect(first.skips[0]).toMatchObject({ rule: 'venue_not_ready', observed: 'degraded: collateral_short' });
    expect(sent.filter((r) => r === 'POST /order')).toEqual([]);
    expect(sent).toContain('GET /balance-allowance');

    sim.exchange.credit(account, 'USDC', usdc('60'));
    expect((await gate.check())).toMatchObject({ state: 'ready', reasons: [] });
    world.ft.clock.advance(1_000);
    await world.buySignal();
    const second = await executeLt(deps);
    expect(second).toMatchObject({ ordered: 1, skipped: 0 });
    expect(second.submissions[0]!.outcome).toBe('accepted');
    expect(sent.filter((r) => r === 'POST /order')).toHaveLength(1);
  }, 60_000);

  it('retries a venue it could not build, with backoff, recovering before it may trade', async () => {
    world = await createLtWorld();
    const { db, clock } = world.deps;
    let attempts = 0;
    let recovered = 0;
    gate = createVenueGate({
      name: 'simulated', signerAddress: null, db, clock, log: silentLog, retryMinMs: 10, retryMaxMs: 40,
      connect: async (): Promise<Venue> => {
        attempts += 1;
        if (attempts < 3) throw new VenueSetupError('clob_unreachable', `attempt ${attempts}: the CLOB did not answer`);
        return world!.sim;
      },
      onConnected: async () => {
        recovered += 1;
      },
    });
    expect(gate.health()).toMatchObject({ state: 'off', reasons: [{ code: 'not_checked' }], checkedAt: null });
    await expect(gate.venue.openOrders()).rejects.toThrow(/not available/);
    gate.start();
    await until('the venue is ready', () => gate!.health().state === 'ready');
    expect([attempts, recovered, gate.connected()]).toEqual([3, 1, true]);
    expect(await gate.venue.availableCollateral()).toBe(await world.sim.availableCollateral());
  }, 60_000);

  it('does not retry a missing key, and no entry is decided as ordered while off', async () => {
    world = await createLtWorld();
    const { db, clock } = world.deps;
    let attempts = 0;
    gate = createVenueGate({
      name: 'polymarket', signerAddress: null, db, clock, log: silentLog, retryMinMs: 10, retryMaxMs: 10,
      connect: async () => {
        attempts += 1;
        throw new VenueSetupError('no_private_key', 'POLYMARKET_PRIVATE_KEY is not set', true);
      },
    });
    gate.start();
    await until('the first check', () => gate!.health().checkedAt !== null);
    await new Promise((r) => setTimeout(r, 100)); // several retry periods: a retry would show in `attempts`
    expect(attempts).toBe(1);
    await world.buySignal();
    const report = await executeLt({ ...world.deps, venue: gate.venue, gate });
    expect(report).toMatchObject({ ordered: 0, skipped: 1 });
    expect(report.skips[0]).toMatchObject({ rule: 'venue_not_ready', observed: 'off: no_private_key' });
    expect(world.probe.submits).toBe(0);
  }, 60_000);

  it('re-checks before a run whose live strategies changed: a launch beyond the funds is held at once', async () => {
    world = await createLtWorld({ launch: false, settings: { starting_capital: '250000' } }); // the venue holds 100 000
    const { db, clock } = world.deps;
    gate = createVenueGate({ name: 'simulated', signerAddress: null, db, clock, log: silentLog, checkEveryMs: 600_000, connect: async () => world!.venue });
    expect((await gate.check()).state).toBe('ready'); // nothing launched: nothing to fund
    await world.launch();
    await world.buySignal();
    const report = await executeLt({ ...world.deps, gate });
    expect(gate.health().reasons.map((r) => r.message)).toEqual(['collateral 100000.00 USDC < capital 250000.00 USDC of 1 live strategy']);
    expect(report.skips[0]).toMatchObject({ rule: 'venue_not_ready', observed: 'degraded: collateral_short' });
    expect(world.probe.submits).toBe(0);
  }, 60_000);
});
