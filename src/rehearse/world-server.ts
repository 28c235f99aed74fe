/**
 * The rehearsal's Polymarket: a simulated world (market maker, source traders, markets that list, close and resolve
 * within minutes) behind the loopback simulator, so Tandem talks to it only over the real wire protocol
 */
import type { Clock } from '../engine/ports.ts';
import { SimExchange } from '../sim/exchange/exchange.ts';
import { startSimServer, type SimServer } from '../sim/server/server.ts';
import { createWorld, type World } from '../sim/world/world.ts';

export interface WorldServerOptions {
  seed: number;
  clock: Clock;
  /** How long a live market trades before it closes and resolves */
  marketLifetimeMs: number;
  /** Markets kept open at once */
  openMarkets: number;
  /** Real-time step of the world */
  stepMs: number;
  /** USDC the simulator credits to each wallet on its first API key (decimal text) */
  fundUsdc: string;
}

export interface WorldServer {
  world: World;
  server: SimServer;
  /** Steps so far, and the failures among them (reported, never thrown) */
  steps: { ok: number; failed: string[] };
  /** Exchange order ids placed for an account (lower-case address), in order: the exactly-once check's ground truth */
  placements(account: string): string[];
  /** When the simulator matched each source trader's fill it published live (ms), by `fillKey` */
  matchedEntries(): [string, number][];
  /** Stops the world's clock: no new trades, listings or resolutions (the simulator keeps serving) */
  freeze(): void;
  stop(): Promise<void>;
}

/** Gamma fields the world owns (question, tags, dates); status and prices stay the simulator's, which follow the exchange */
const STATIC_GAMMA_KEYS = ['question', 'slug', 'startDate', 'endDate', 'gameStartTime', 'events', 'tags', 'category', 'description'];

/** A source fill as the Data API and RTDS describe it: wallet, token, side, size, price (micro-units) and whole second */
export const fillKey = (wallet: string, asset: string, side: string, size: bigint, price: bigint, unixSeconds: number): string =>
  `${wallet.toLowerCase()}|${asset}|${side}|${size}|${price}|${unixSeconds}`;

/** Starts the world on the simulator's exchange, publishes its resolved past as Data API history, and steps it */
export async function startWorldServer(o: WorldServerOptions): Promise<WorldServer> {
  let live = false;
  const world = createWorld({
    seed: o.seed, start: o.clock.now(), openMarkets: o.openMarkets, marketLifetimeMs: o.marketLifetimeMs,
    // The past is built on the world's own clock; live fills are stamped with the rehearsal's clock
    exchange: (c) => new SimExchange({ now: () => (live ? o.clock.now() : c.now()) }),
  });
  live = true;
  const placed: { account: string; orderId: string }[] = [];
  world.exchange.subscribe((e) => {
    if (e.type === 'order' && e.change === 'PLACEMENT') placed.push({ account: e.order.account.toLowerCase(), orderId: e.order.orderId });
  });
  const server = await startSimServer({ port: 0, exchange: world.exchange, clock: o.clock, fund: o.fundUsdc, seed: o.seed });
  for (const t of world.traders) server.markSourceTrader(t.address, { name: t.name, pseudonym: t.pseudonym });
  for (const r of world.records(0, world.historyCount)) server.publishSourceTrade(r);
  const matched = new Map<string, number>();
  server.feed.onRow((row) => {
    const key = fillKey(row.proxyWallet, row.asset, row.side, row.size, row.price, row.timestamp);
    if (!matched.has(key)) matched.set(key, o.clock.now().getTime());
  });
  const described = new Set<string>();
  const describeMarkets = () => {
    for (const m of world.exchange.markets()) {
      if (described.has(m.conditionId)) continue;
      const json = world.gammaJson(m.conditionId) as Record<string, unknown> | null;
      if (!json) continue;
      described.add(m.conditionId);
      server.upsertGammaMarket(m.conditionId, Object.fromEntries(STATIC_GAMMA_KEYS.filter((k) => k in json).map((k) => [k, json[k]])));
    }
  };
  describeMarkets();
  const steps = { ok: 0, failed: [] as string[] };
  const tick = () => {
    try {
      world.step(o.clock.now());
      describeMarkets();
      steps.ok += 1;
    } catch (e) {
      steps.failed.push(e instanceof Error ? e.message : String(e));
    }
  };
  const timer = setInterval(tick, o.stepMs);
  return {
    world, server, steps,
    placements: (account) => placed.filter((p) => p.account === account.toLowerCase()).map((p) => p.orderId),
    matchedEntries: () => [...matched.entries()],
    freeze: () => clearInterval(timer),
    stop: async () => {
      clearInterval(timer);
      await server.close();
    },
  };
}
