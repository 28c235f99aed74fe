/** Our legs of a Polymarket trade as VenueFills: the taker leg at the makers' VWAP, maker legs at their own prices */
import { takerFee, type FeeSchedule } from '../../domain/fees.ts';
import { checkPrice, divRound, isPriceInRange, SCALE, type Price, type Ratio, type Shares, type Usdc } from '../../domain/money.ts';
import type { OrderSide, VenueFill } from '../../engine/venue-port.ts';
import { TradeRead, type MakerOrder } from './schemas.ts';
import { micros, sideOf, sizeIn, timeOf, tradeStatusOf, unitsOf } from './wire.ts';

/** Which orders are ours: known order ids, plus our API key (`owner`) and maker address for orders we no longer remember */
export interface OurIdentity {
  isOurOrder(orderId: string): boolean;
  owner?: string;
  makerAddress?: string;
}

/** The fee schedule of a token (src/domain/fees.ts); null when unknown (charged as 0) */
export type FeeLookup = (tokenId: string) => FeeSchedule | null;

const same = (a: string | null | undefined, b: string | undefined): boolean =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

const opposite = (side: OrderSide): OrderSide => (side === 'BUY' ? 'SELL' : 'BUY');

/**
 * The taker fee of a trade: charged per maker match at that maker's price, as each match settles on its own (the
 * simulator's exchange does the same); the trade's size and price when no makers are listed
 */
function takerFeeOver(
  makers: MakerOrder[], takerAsset: string, sizes: bigint[], size: Shares, price: Price, schedule: FeeSchedule,
): bigint {
  if (makers.length === 0) return takerFee(size, price, schedule);
  return makers.reduce((sum, m, i) => {
    const p = priceInTakerToken(m, takerAsset);
    const s = sizes[i] ?? 0n;
    // A maker row without a usable price or size is no match to charge for
    return p === null || s <= 0n || !isPriceInRange(p) ? sum : sum + takerFee(s as Shares, p as Price, schedule);
  }, 0n);
}

/**
 * A maker's price in the taker's token. Polymarket also matches complementary orders (a BUY Yes against a BUY No
 * is a mint): nautilus_py_ws_messages_user_trade1.json has a No maker at 0.482 filling a Yes taker at 0.518
 */
function priceInTakerToken(maker: MakerOrder, takerAsset: string): bigint | null {
  const p = micros(maker.price);
  if (p === null) return null;
  return maker.asset_id && maker.asset_id !== takerAsset ? SCALE - p : p;
}

/** The taker's volume-weighted price over the makers' resting prices; the trade's own price when no makers are listed */
export function takerVwap(makers: MakerOrder[], takerAsset: string, sizes: bigint[], fallback: bigint): Price {
  let notional = 0n;
  let volume = 0n;
  makers.forEach((m, i) => {
    const p = priceInTakerToken(m, takerAsset);
    const s = sizes[i] ?? 0n;
    if (p === null || s <= 0n) return;
    notional += p * s;
    volume += s;
  });
  return checkPrice(volume > 0n ? divRound(notional, volume, 'half_even') : fallback);
}

/**
 * The side of a maker leg: stated on newer rows; otherwise the opposite of the taker's on the same token, and the same
 * side on the complementary token (both buy: a mint; both sell: a merge)
 */
function makerSide(maker: MakerOrder, takerSide: OrderSide, takerAsset: string): OrderSide {
  const stated = sideOf(maker.side);
  if (stated) return stated;
  return maker.asset_id && maker.asset_id !== takerAsset ? takerSide : opposite(takerSide);
}

function feeOf(side: OrderSide, amount: bigint): VenueFill['fee'] {
  return side === 'BUY' ? { asset: 'shares', amount: amount as Shares } : { asset: 'usdc', amount: amount as Usdc };
}

/**
 * The fee rate of a taker fill. The trade's fee_rate_bps is what was applied, but whole bps cannot say 0.07215; so the
 * market's exact rate wins when it rounds to the same bps, the trade's otherwise (the rate changed since)
 */
function feeRate(bps: unknown, tokenId: string, fees: FeeLookup): FeeSchedule | null {
  const stated = micros(bps);
  const schedule = fees(tokenId);
  if (stated === null || stated <= 0n) return schedule;
  const statedRate = stated / 10_000n;
  if (schedule && schedule.rate / 100n === statedRate / 100n) return schedule;
  return { rate: statedRate as Ratio, exponent: schedule?.exponent ?? 1 };
}

/**
 * Our legs of one trade (GET /data/trades row or WS trade event). Taker leg when the taker order is ours (or the row
 * says trader_side TAKER and the owner is us); one maker leg per maker order of ours, fillId `tradeId:orderId`.
 * Rows in nautilus_py_ws_messages_user_trade4.json hold two of our maker orders at different prices
 */
export function fillsFromTrade(raw: unknown, us: OurIdentity, fees: FeeLookup): VenueFill[] {
  const t = TradeRead.parse(raw);
  const side = sideOf(t.side);
  const status = tradeStatusOf(t.status);
  const time = timeOf(t.match_time);
  if (side === null || status === null || time === null) throw new Error(`unreadable trade ${t.id}`);
  const makers = t.maker_orders ?? [];
  const units = unitsOf([t.size, ...makers.map((m) => m.matched_amount)]);
  const makerSizes = makers.map((m) => sizeIn(m.matched_amount, units));
  const fills: VenueFill[] = [];
  const takerIsOurs = us.isOurOrder(t.taker_order_id)
    || (t.trader_side?.toUpperCase() === 'TAKER' && (same(t.owner, us.owner) || same(t.maker_address, us.makerAddress)));
  if (takerIsOurs) {
    const size = sizeIn(t.size, units) as Shares;
    const price = takerVwap(makers, t.asset_id, makerSizes, micros(t.price) ?? 0n);
    const rate = feeRate(t.fee_rate_bps, t.asset_id, fees);
    const fee = rate ? takerFeeOver(makers, t.asset_id, makerSizes, size, price, rate) : 0n;
    fills.push({
      fillId: t.id, venueOrderId: t.taker_order_id.toLowerCase(), tokenId: t.asset_id, side, price, size,
      fee: feeOf(side, fee), role: 'taker', time, status,
    });
  }
  makers.forEach((m, i) => {
    if (!(us.isOurOrder(m.order_id) || same(m.owner, us.owner) || same(m.maker_address, us.makerAddress))) return;
    const price = micros(m.price);
    if (price === null) throw new Error(`unreadable maker price in trade ${t.id}`);
    const legSide = makerSide(m, side, t.asset_id);
    fills.push({
      fillId: `${t.id}:${m.order_id.toLowerCase()}`, venueOrderId: m.order_id.toLowerCase(), tokenId: m.asset_id ?? t.asset_id,
      side: legSide, price: checkPrice(price), size: makerSizes[i]! as Shares, fee: feeOf(legSide, 0n), role: 'maker', time, status,
    });
  });
  return fills;
}
