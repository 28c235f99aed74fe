/** Order placement for `POST /order` and `POST /orders`: checks as Polymarket makes them, then the exchange, then 4.2's response */
import type { ApiCreds } from './auth.ts';
import { orderHash, parseEnvelope, toPlaceOrder, verifyOrderSignature } from './order-codec.ts';
import type { SimState } from './state.ts';
import { dec } from './util.ts';
import { takerAmounts } from './wire.ts';

export const CANCEL_ONLY_TEXT = 'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.';
const OWNER_TEXT = 'the order owner has to be the owner of the API KEY';
const SIGNER_TEXT = 'the order signer address has to be the address of the API KEY';

export interface Placed {
  status: number;
  body: Record<string, unknown>;
}

const reject = (status: number, error: string, orderID?: string): Placed => ({
  status, body: orderID ? { error, orderID } : { error },
});

/** Validates, verifies and places one V2 envelope for the key `creds` */
export async function placeOne(state: SimState, creds: ApiCreds, raw: unknown): Promise<Placed> {
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) return reject(400, parsed.error);
  const env = parsed.value;
  const { order } = env;
  if (env.owner !== creds.apiKey) return reject(400, OWNER_TEXT);
  if (order.signatureType !== 3 && order.signer.toLowerCase() !== creds.address) return reject(400, SIGNER_TEXT);
  if (order.signatureType === 0 && order.maker.toLowerCase() !== order.signer.toLowerCase()) return reject(400, OWNER_TEXT);
  const market = state.exchange.marketByToken(order.tokenId);
  if (!market) return reject(400, 'Invalid token id');
  if (!(await verifyOrderSignature(order, market.negRisk, creds.address))) return reject(400, 'invalid signature');
  if (state.faults.current.cancelOnly) return reject(503, CANCEL_ONLY_TEXT);
  if (env.postOnly && (env.orderType === 'FOK' || env.orderType === 'FAK')) {
    return reject(400, 'invalid post-only order: only GTC and GTD order types are allowed');
  }
  const orderId = orderHash(order, market.negRisk);
  const account = order.maker.toLowerCase();
  const place = toPlaceOrder(env, orderId, account, market.tickSize);
  if (!place.ok) return reject(400, place.error);
  state.fundOnce(account);
  state.recordOrder(orderId, creds, account);
  const result = state.exchange.place(place.value);
  if (!result.ok) {
    const withId = result.code === 'FOK_ORDER_NOT_FILLED_ERROR' || result.code === 'FAK_ORDER_NOT_FILLED_ERROR';
    return reject(result.httpStatus, result.message, withId ? orderId : undefined);
  }
  for (const trade of result.trades) state.observe(trade);
  const { cash, shares } = takerAmounts(result.trades);
  const buy = order.side === 'BUY';
  const body: Record<string, unknown> = {
    success: true, errorMsg: '', orderID: orderId, status: result.status,
    makingAmount: dec(buy ? cash : shares), takingAmount: dec(buy ? shares : cash),
  };
  if (result.trades.length > 0) {
    if (!result.trades.some((t) => state.isHeld(t))) body.transactionsHashes = result.trades.map((t) => t.transactionHash);
    body.tradeIDs = result.trades.map((t) => t.tradeId);
  }
  return { status: 200, body };
}

const BATCH_MAX = 15;

/** `POST /orders`: each envelope on its own; a failed one is `{success:false, errorMsg}` inside a 200 answer */
export async function placeBatch(state: SimState, creds: ApiCreds, raw: unknown): Promise<Placed> {
  if (!Array.isArray(raw) || raw.length === 0) return reject(400, 'Invalid order payload');
  if (raw.length > BATCH_MAX) return reject(400, 'Payload exceeds the limit');
  if (state.faults.current.cancelOnly) return reject(503, CANCEL_ONLY_TEXT);
  const out: Record<string, unknown>[] = [];
  for (const item of raw) {
    const one = await placeOne(state, creds, item);
    if (one.status === 200) out.push(one.body);
    else {
      out.push({
        success: false, errorMsg: one.body.error, orderID: one.body.orderID ?? '', status: '', makingAmount: '', takingAmount: '',
      });
    }
  }
  return { status: 200, body: out as unknown as Record<string, unknown> };
}
