/** The world behind Tandem's ports: its traders' fills as a TradeSource, its markets as a MarketSource, and a real-time timer */
import type { Market } from '../../domain/market.ts';
import type { Clock, FetchError, FollowedTrader, MarketSource, TradeSource } from '../../engine/ports.ts';
import { normalizeTradeRecords } from '../../feeds/data-api-record.ts';
import { parseGammaMarket } from '../../feeds/gamma-market.ts';
import type { World } from './world.ts';

export interface WorldTradeSourceOptions {
  /**
   * Return every world trader's fills (the demo follows them all); when false, only fills of the traders Tandem
   * asks for. Fills of unfollowed traders are passed over either way, never returned later
   */
  followAll?: boolean;
}

/**
 * The world's fills since the previous call, read from their Data API records. The first call returns only the resolved past the
 * world started with, so statistics can exist before the first live fills are evaluated
 */
export function worldTradeSource(world: World, options: WorldTradeSourceOptions = {}): TradeSource {
  let cursor = 0;
  const followAll = options.followAll ?? true;
  return {
    name: 'sim-world',
    fetchTrades: async (traders: FollowedTrader[]) => {
      const fresh = world.records(cursor, cursor === 0 && world.historyCount > 0 ? world.historyCount : undefined);
      cursor += fresh.length;
      const wanted = new Set(traders.map((t) => t.address.toLowerCase()));
      const records = followAll ? fresh : fresh.filter((r) => wanted.has(r.proxyWallet));
      return { ...normalizeTradeRecords(records), errors: [], requests: 1 };
    },
  };
}

/** The world's markets' source name, as the market store records it */
export const SIM_WORLD_SOURCE = 'sim-world';

/** Markets as Gamma JSON, read back through the same parser as Gamma's; unknown ids are simply absent */
export function worldMarketSource(world: World): MarketSource {
  return {
    name: SIM_WORLD_SOURCE,
    getMarkets: async (conditionIds: string[]) => {
      const markets: Market[] = [];
      const errors: FetchError[] = [];
      for (const id of new Set(conditionIds.map((c) => c.toLowerCase()))) {
        const json = world.gammaJson(id);
        if (!json) continue;
        const parsed = parseGammaMarket(json);
        if (parsed.ok) markets.push(parsed.market);
        else errors.push({ trader: null, endpoint: 'sim-world/markets', error: parsed.detail });
      }
      return { markets, errors };
    },
  };
}

export interface WorldTimer {
  stop(): void;
}

/**
 * Steps the world to the clock's time now and every `intervalMs` after; a failing step is reported and the timer
 * goes on. The timer does not keep the process alive
 */
export function startWorldTimer(world: World, intervalMs: number, options: { clock?: Clock; onError?: (e: unknown) => void } = {}): WorldTimer {
  const now = () => options.clock?.now() ?? new Date();
  const tick = () => {
    try {
      world.step(now());
    } catch (error) {
      options.onError?.(error);
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
