/**
 * The replay's market maker: re-quotes a token's book on the simulated exchange from its current recorded snapshot
 * (books.ts) or the book model (book-model.ts), after the trades at one time (lt.ts says when)
 */
import type { Market } from '../domain/market.ts';
import { SCALE } from '../domain/money.ts';
import { Prng } from '../domain/prng.ts';
import type { Side } from '../domain/trade.ts';
import type { SimExchange } from '../sim/exchange/exchange.ts';
import { modelOrders } from './book-model.ts';
import { BookTimeline, DEFAULT_MIN_SIZE, DEFAULT_TICK, snapshotOrders, type RecordedBook } from './books.ts';

export const MAKER_ACCOUNT = 'replay-maker';
export const REPLAY_BOOK_SALT = 0x0b00_c5ee;

/** What the model quotes after: the last trade on the token */
type Last = { price: bigint; side: Side } | null;

export class ReplayMaker {
  private seq = 0;
  private readonly prng: Prng;
  private readonly timeline: BookTimeline;
  /** Markets resolved on the exchange: never quoted again */
  readonly closed = new Set<string>();
  /** The latest trade time read: a snapshot later than it is never quoted */
  horizon = Number.NEGATIVE_INFINITY;

  constructor(private readonly exchange: SimExchange, private readonly byToken: Map<string, Market>,
    private readonly books: Map<string, RecordedBook[]>, seed: number, private readonly errors: string[]) {
    this.prng = new Prng(seed, REPLAY_BOOK_SALT);
    this.timeline = new BookTimeline(books);
  }

  /** When a recorded snapshot becomes current next (within the horizon); +∞ when none will */
  nextSnapshot(): number {
    const t = this.books.size === 0 ? Number.POSITIVE_INFINITY : this.timeline.nextChange();
    return t <= this.horizon ? t : Number.POSITIVE_INFINITY;
  }

  /** Re-quotes the tokens traded at `t` (the last trade each) and their mirrors, and those whose snapshot became current */
  requote(group: readonly { tokenId: string; price: bigint; side: Side }[], t: number): void {
    const last = new Map<string, Last>();
    for (const x of group) last.set(x.tokenId, { price: x.price, side: x.side });
    for (const x of group) {
      const m = this.byToken.get(x.tokenId);
      const other = m && m.tokenIds.length === 2 ? m.tokenIds.find((id) => id !== x.tokenId) : undefined;
      if (other !== undefined && !group.some((y) => y.tokenId === other)) {
        last.set(other, { price: SCALE - x.price, side: x.side === 'BUY' ? 'SELL' : 'BUY' });
      }
    }
    for (const tokenId of this.timeline.advance(Math.min(t, this.horizon))) if (!last.has(tokenId)) last.set(tokenId, null);
    for (const [tokenId, l] of last) this.quote(tokenId, l);
  }

  /** Re-quotes a token: from its current snapshot if it has one, else the model after the trade `last` */
  private quote(tokenId: string, last: Last): void {
    const m = this.byToken.get(tokenId);
    if (!m || this.closed.has(m.conditionId)) return;
    const minSize = m.minSize ?? DEFAULT_MIN_SIZE;
    const snapshot = this.timeline.current(tokenId);
    if (!snapshot && last === null) return;
    for (const o of this.exchange.openOrders(MAKER_ACCOUNT)) if (o.tokenId === tokenId) this.exchange.cancel(MAKER_ACCOUNT, o.orderId);
    const levels = snapshot ? snapshotOrders(snapshot, minSize)
      : modelOrders(last!.price, last!.side, m.tickSize ?? DEFAULT_TICK, minSize, this.prng);
    for (const l of levels) {
      const r = this.exchange.place({ orderId: `mm-${++this.seq}`, account: MAKER_ACCOUNT, tokenId, side: l.side, price: l.price,
        size: l.size, orderType: 'GTC' });
      if (!r.ok) this.errors.push(`quote ${tokenId} ${l.side} ${l.price}: ${r.code}`);
    }
  }
}
