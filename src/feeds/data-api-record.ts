/** Normalizes one Data API /trades or /activity record into a SourceTrade, or says why it cannot */
import { decimalText, isPriceInRange, mulMicro, parseMicros, type Price, type Shares, type Usdc } from '../domain/money.ts';
import type { RefusedRecord, Side, SourceTrade, TradeBatch } from '../domain/trade.ts';

export type Normalized = { ok: true; trade: SourceTrade } | ({ ok: false } & RefusedRecord);

/** A line of a recorded file that is not JSON; sources pass it on so ingestion counts it */
export class UnparsedLine {
  constructor(readonly text: string) {}
}

const REQUIRED = ['proxyWallet', 'side', 'asset', 'conditionId', 'size', 'price', 'timestamp'] as const;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The dedupe key: transaction hash, trader, token, side, size and price. The trader is part of it (the
 * original's key was not, bug B9), and size and price tell apart two fills of one trader in one
 * transaction, while /trades and /activity copies of the same fill collapse to one key
 */
export const tradeKey = (t: Pick<SourceTrade, 'transactionHash' | 'trader' | 'asset' | 'side' | 'size' | 'price'>): string =>
  `${t.transactionHash}:${t.trader}:${t.asset}:${t.side}:${t.size}:${t.price}`;

export function normalizeTradeRecord(raw: unknown): Normalized {
  if (raw instanceof UnparsedLine) return { ok: false, reason: 'bad_json', detail: raw.text.slice(0, 80) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'not_an_object', detail: typeof raw };
  }
  const r = raw as Record<string, unknown>;
  if (r.type !== undefined && r.type !== 'TRADE') return { ok: false, reason: 'not_a_trade', detail: String(r.type) };
  const missing = REQUIRED.filter((k) => r[k] === undefined || r[k] === null || r[k] === '');
  if (missing.length > 0) return { ok: false, reason: 'missing_field', detail: missing.join(',') };
  const side = String(r.side).toUpperCase();
  if (side !== 'BUY' && side !== 'SELL') return { ok: false, reason: 'bad_side', detail: String(r.side) };
  const priceText = decimalText(r.price);
  const priceMicros = priceText === null ? null : parseMicros(priceText, 'half_even');
  if (priceMicros === null || !isPriceInRange(priceMicros)) {
    return { ok: false, reason: 'bad_price', detail: String(r.price) };
  }
  const sizeText = decimalText(r.size);
  const size = sizeText === null ? null : parseMicros(sizeText, 'half_even');
  if (size === null || size <= 0n) return { ok: false, reason: 'bad_size', detail: String(r.size) };
  const time = timestampOf(r.timestamp);
  if (!time) return { ok: false, reason: 'bad_timestamp', detail: String(r.timestamp) };
  const trader = String(r.proxyWallet).toLowerCase();
  const asset = String(r.asset);
  const sd = side as Side;
  const shares = size as Shares;
  const price = priceMicros as Price;
  const transactionHash = text(r.transactionHash).toLowerCase() || `${r.proxyWallet}-${r.conditionId}-${r.timestamp}`;
  // One object literal, not a spread of a partial one: spreading costs tens of µs per record, most of a replay's parsing
  return {
    ok: true,
    trade: {
      trader, side: sd, asset, conditionId: String(r.conditionId).toLowerCase(), size: shares, price, transactionHash,
      key: tradeKey({ transactionHash, trader, asset, side: sd, size: shares, price }), usd: mulMicro(shares, price, 'half_even') as Usdc, time,
      title: text(r.title), slug: text(r.slug), eventSlug: text(r.eventSlug), outcome: text(r.outcome),
      outcomeIndex: typeof r.outcomeIndex === 'number' ? r.outcomeIndex : null,
    },
  };
}

/** Normalizes every record, keeping the trades in record order and each refused record with its reason */
export function normalizeTradeRecords(records: readonly unknown[]): TradeBatch {
  const batch: TradeBatch = { trades: [], refused: [] };
  for (const raw of records) {
    const n = normalizeTradeRecord(raw);
    if (n.ok) batch.trades.push(n.trade);
    else batch.refused.push({ reason: n.reason, detail: n.detail });
  }
  return batch;
}

/** Data API timestamps are unix seconds; values above 1e10 are taken as milliseconds */
function timestampOf(value: unknown): Date | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  const d = new Date(n < 1e10 ? n * 1000 : n);
  return Number.isNaN(d.getTime()) ? null : d;
}
