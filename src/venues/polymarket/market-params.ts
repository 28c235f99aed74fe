/** Market parameters (tick, min size, neg risk, fee schedule, accepting orders) and the CLOB order version, cached with a TTL */
import type { Clock } from '../../engine/ports.ts';
import type { MarketInfo } from '../../engine/venue-port.ts';
import { MarketByToken, VersionRead } from './schemas.ts';
import type { ClobRequest, ClobResponse } from './transport.ts';
import { errorText, marketInfoFromCompact, marketInfoFromFull } from './translate.ts';

type Call = (req: ClobRequest) => Promise<ClobResponse>;

const get = (path: string): ClobRequest => ({ method: 'GET', path, auth: 'none', budget: 'market', retry: 'read' });

function bodyOf(res: ClobResponse, what: string): unknown {
  if (res.status === null) throw new Error(`${what}: ${res.error}`);
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${errorText(res.body)}`);
  return res.body;
}

export class MarketParams {
  /** token → condition id never changes, so it is kept for good */
  private readonly conditionOf = new Map<string, string>();
  private readonly infos = new Map<string, { info: MarketInfo; at: number }>();
  private readonly inflight = new Map<string, Promise<MarketInfo>>();
  private version: 2 | 3 | null = null;

  constructor(private readonly call: Call, private readonly clock: Clock, private readonly ttlMs: number) {}

  /** The cached params if still fresh, else null (for synchronous fee lookups) */
  cached(tokenId: string): MarketInfo | null {
    const hit = this.infos.get(tokenId);
    return hit && this.clock.now().getTime() - hit.at < this.ttlMs ? hit.info : null;
  }

  /** Fresh params: cached within the TTL, else read once even when many callers ask at the same time */
  async info(tokenId: string): Promise<MarketInfo> {
    const fresh = this.cached(tokenId);
    if (fresh) return fresh;
    const pending = this.inflight.get(tokenId);
    if (pending) return pending;
    const load = this.load(tokenId).finally(() => this.inflight.delete(tokenId));
    this.inflight.set(tokenId, load);
    return load;
  }

  /** Forgets a token's params: after a tick-size rejection the market's tick has probably changed */
  invalidate(tokenId: string): void {
    this.infos.delete(tokenId);
  }

  /**
   * The order version the CLOB signs for (GET /version, absent means 2, as the client assumes). V1 orders are refused
   * in production since 2026-04-28, so a venue answering 1 is an error
   */
  async orderVersion(): Promise<2 | 3> {
    if (this.version !== null) return this.version;
    const raw = VersionRead.parse(bodyOf(await this.call(get('/version')), 'GET /version'));
    const v = raw.version ?? 2;
    if (v !== 2 && v !== 3) throw new Error(`unsupported CLOB order version ${v}`);
    this.version = v;
    return v;
  }

  /** Called when a post fails with order_version_mismatch, as the official client does */
  forgetVersion(): void {
    this.version = null;
  }

  private async load(tokenId: string): Promise<MarketInfo> {
    const conditionId = await this.conditionId(tokenId);
    const compact = await this.call(get(`/clob-markets/${conditionId}`));
    const info = compact.status === 404
      // Older deployments lack the compact form; the full market carries the same params
      ? marketInfoFromFull(bodyOf(await this.call(get(`/markets/${conditionId}`)), 'GET /markets'), tokenId)
      : marketInfoFromCompact(bodyOf(compact, 'GET /clob-markets'), tokenId);
    this.infos.set(tokenId, { info, at: this.clock.now().getTime() });
    return info;
  }

  private async conditionId(tokenId: string): Promise<string> {
    const known = this.conditionOf.get(tokenId);
    if (known) return known;
    const res = await this.call(get(`/markets-by-token/${encodeURIComponent(tokenId)}`));
    const { condition_id: cid } = MarketByToken.parse(bodyOf(res, `GET /markets-by-token for ${tokenId.slice(0, 12)}…`));
    this.conditionOf.set(tokenId, cid);
    return cid;
  }
}
