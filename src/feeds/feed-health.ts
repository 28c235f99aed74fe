/**
 * Feed health: each feed reports when it is connected, when a message (new data) arrives and when it is lost; the
 * alert monitor reads a snapshot to find feeds that are connected but silent. In memory, per process
 */
import type { FeedState } from '../domain/alert-rules.ts';
import type { Clock, FollowedTrader, TradeSource } from '../engine/ports.ts';

export interface FeedHealth {
  /**
   * Judges `feed` by data arriving from now on: silent (for the alert) after `silenceMs` without a message, connected
   * or not, and a reconnect does not restart the count
   */
  watch(feed: string, silenceMs: number): void;
  markConnected(feed: string): void;
  /** A message arrived (a connected feed, then) */
  markMessage(feed: string): void;
  markDisconnected(feed: string, error?: string): void;
  snapshot(): FeedState[];
}

export interface FeedHealthState extends FeedState {
  lastError: string | null;
}

export function createFeedHealth(clock: Clock): FeedHealth & { snapshot(): FeedHealthState[] } {
  const feeds = new Map<string, FeedHealthState>();
  const get = (feed: string): FeedHealthState => {
    let s = feeds.get(feed);
    if (!s) {
      s = { feed, connected: false, connectedAt: null, lastMessageAt: null, lastError: null };
      feeds.set(feed, s);
    }
    return s;
  };
  const connect = (s: FeedHealthState) => {
    if (s.connected) return;
    s.connected = true;
    s.connectedAt = clock.now();
  };
  return {
    watch: (feed, silenceMs) => {
      const s = get(feed);
      s.watchedSince ??= clock.now();
      s.silenceMs = silenceMs;
    },
    markConnected: (feed) => connect(get(feed)),
    markMessage: (feed) => {
      const s = get(feed);
      connect(s);
      s.lastMessageAt = clock.now();
    },
    markDisconnected: (feed, error) => {
      const s = get(feed);
      s.connected = false;
      s.lastError = error ?? null;
    },
    snapshot: () => [...feeds.values()].map((s) => ({ ...s })),
  };
}

/**
 * A polled TradeSource reporting into `health`: new records (trades or refused ones) are messages; a poll where every trader failed is a
 * disconnect; any other answered poll keeps the feed connected (silent when it brought nothing). A poll with no
 * trader to ask says nothing
 */
export function reportingTradeSource(source: TradeSource, health: FeedHealth): TradeSource {
  return {
    name: source.name,
    fetchTrades: async (traders: FollowedTrader[]) => {
      try {
        const fetched = await source.fetchTrades(traders);
        if (fetched.trades.length + fetched.refused.length > 0) health.markMessage(source.name);
        else if (traders.length > 0 && fetched.errors.length >= traders.length) {
          health.markDisconnected(source.name, fetched.errors[0]?.error);
        } else if (traders.length > 0) health.markConnected(source.name);
        return fetched;
      } catch (error) {
        health.markDisconnected(source.name, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
}
