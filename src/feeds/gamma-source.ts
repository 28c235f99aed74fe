/** MarketSource over the Gamma API: batched GET /markets?condition_ids=…, each batch failing on its own */
import type { Market } from '../domain/market.ts';
import type { FetchError, MarketFetch, MarketSource } from '../engine/ports.ts';
import { chunk, mapLimit, messageOf } from './concurrency.ts';
import { parseGammaMarkets } from './gamma-market.ts';
import { getJson, type HttpOptions } from './http.ts';

export interface GammaSourceOptions {
  baseUrl: string;
  /** Condition ids per request (default 20) */
  batchSize?: number;
  /** Batches in flight at once (default 2; Gamma allows 300 /markets requests per 10 s) */
  concurrency?: number;
  http?: HttpOptions;
}

export interface GammaMarketSource extends MarketSource {
  /** HTTP requests made so far, retries included */
  readonly requests: number;
}

const ENDPOINT = '/markets';

export function createGammaMarketSource(options: GammaSourceOptions): GammaMarketSource {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const batchSize = Math.max(1, options.batchSize ?? 20);
  const concurrency = Math.max(1, options.concurrency ?? 2);
  let requests = 0;

  const fetchBatch = async (ids: string[]): Promise<MarketFetch> => {
    try {
      return await requestBatch(ids);
    } catch (err) {
      return { markets: [], errors: [batchError(ids, messageOf(err))] };
    }
  };

  const requestBatch = async (ids: string[]): Promise<MarketFetch> => {
    const query = ids.map((id) => `condition_ids=${encodeURIComponent(id)}`).join('&');
    const res = await getJson(`${baseUrl}${ENDPOINT}?${query}&limit=${ids.length}`, options.http);
    requests += res.requests;
    if (!res.ok) return { markets: [], errors: [batchError(ids, res.error)] };
    if (!Array.isArray(res.body)) return { markets: [], errors: [batchError(ids, 'response is not an array')] };
    const parsed = parseGammaMarkets(res.body);
    const errors = parsed.errors.map((e): FetchError => ({ trader: null, endpoint: ENDPOINT, error: `unparseable market ${e}` }));
    return { markets: parsed.markets, errors };
  };

  return {
    name: 'gamma',
    get requests() {
      return requests;
    },
    async getMarkets(conditionIds: string[]): Promise<MarketFetch> {
      const wanted = [...new Set(conditionIds.map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))];
      const batches = chunk(wanted, batchSize);
      const results = await mapLimit(batches, concurrency, fetchBatch);
      return merge(results, new Set(wanted));
    },
  };
}

function batchError(ids: string[], error: string): FetchError {
  const first = ids[0] ?? '';
  const which = ids.length > 1 ? `${first} and ${ids.length - 1} more` : first;
  return { trader: null, endpoint: ENDPOINT, error: `batch of ${ids.length} (${which}): ${error}` };
}

/** Keeps only the markets asked for, once each */
function merge(results: MarketFetch[], wanted: Set<string>): MarketFetch {
  const byId = new Map<string, Market>();
  const errors: FetchError[] = [];
  for (const r of results) {
    for (const m of r.markets) if (wanted.has(m.conditionId)) byId.set(m.conditionId, m);
    errors.push(...r.errors);
  }
  return { markets: [...byId.values()], errors };
}
