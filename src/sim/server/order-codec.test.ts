// @backend-independent
/** V2 order bodies: amounts to price/size, the order hash, signatures of every signature type, funder wallets end to end */
import { AssetType, ClobClient, OrderBuilder, OrderType, Side, SignatureTypeV2, orderToJsonV2, isV2Order, type SignedOrder } from '@polymarket/clob-client-v2';
import { createWalletClient, hashTypedData, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { describe, expect, it } from 'vitest';
import { EXCHANGE_V2, ORDER_TYPES, orderHash, parseEnvelope, toPlaceOrder, verifyOrderSignature, type OrderEnvelope } from './order-codec.ts';
import { startSimServer } from './server.ts';
import { dec } from './util.ts';

const account = privateKeyToAccount(generatePrivateKey());
const signer = createWalletClient({ account, chain: polygon, transport: http('http://127.0.0.1:9') });
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const FUNDER = '0x1111111111111111111111111111111111111111';

const envelope = (order: SignedOrder, type: OrderType = OrderType.GTC): OrderEnvelope => {
  if (!isV2Order(order)) throw new Error('expected a V2 order');
  const parsed = parseEnvelope(JSON.parse(JSON.stringify(orderToJsonV2(order, 'owner-key', type))));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const build = (builder: OrderBuilder, side: Side, price: number, size: number) =>
  builder.buildOrder({ tokenID: TOKEN, price, size, side }, { tickSize: '0.01', negRisk: false }, 2) as Promise<SignedOrder>;

describe('amounts', () => {
  const eoa = new OrderBuilder(signer, 137);

  it('reads a limit BUY as price = maker/taker, size = taker, and a SELL as size = maker, price = taker/maker', async () => {
    const buy = toPlaceOrder(envelope(await build(eoa, Side.BUY, 0.51, 10)), '0xid', 'acct', 10_000n);
    expect(buy).toEqual({ ok: true, value: expect.objectContaining({ side: 'BUY', price: 510_000n, size: 10_000_000n, orderType: 'GTC' }) });
    expect(buy.ok && buy.value.spend).toBeUndefined();
    const sell = toPlaceOrder(envelope(await build(eoa, Side.SELL, 0.48, 12.5)), '0xid', 'acct', 10_000n);
    expect(sell).toEqual({ ok: true, value: expect.objectContaining({ side: 'SELL', price: 480_000n, size: 12_500_000n }) });
  });

  it('snaps a market BUY\'s rounded ratio to the tick and carries its dollars as spend', async () => {
    const order = await eoa.buildMarketOrder({ tokenID: TOKEN, amount: 5, side: Side.BUY, price: 0.52 }, { tickSize: '0.01', negRisk: false }, 2) as SignedOrder;
    expect(order.takerAmount).toBe('9615300');
    const place = toPlaceOrder(envelope(order, OrderType.FOK), '0xid', 'acct', 10_000n);
    expect(place).toEqual({ ok: true, value: expect.objectContaining({ price: 520_000n, size: 9_615_300n, spend: 5_000_000n }) });
  });

  it('refuses prices off the tick grid, V1 bodies and malformed payloads with Polymarket\'s texts', async () => {
    const env = envelope(await build(eoa, Side.BUY, 0.51, 10));
    env.order.makerAmount = 5_123_456n;
    expect(toPlaceOrder(env, '0xid', 'acct', 10_000n)).toEqual({ ok: false, error: 'order is invalid. Price breaks minimum tick size rules' });
    expect(parseEnvelope({ order: { nonce: '0', feeRateBps: '0' }, owner: 'k', orderType: 'GTC' }))
      .toEqual({ ok: false, error: 'invalid order version, please use the latest clob-client' });
    expect(parseEnvelope({ order: { salt: 1 }, owner: 'k' })).toEqual({ ok: false, error: 'Invalid order payload' });
    expect(parseEnvelope('nope')).toEqual({ ok: false, error: 'Invalid order payload' });
  });
});

describe('signatures and ids', () => {
  it('verifies EOA orders for the exchange they were signed for, and the id is the typed-data hash', async () => {
    const order = envelope(await build(new OrderBuilder(signer, 137), Side.BUY, 0.4, 5)).order;
    expect(await verifyOrderSignature(order, false, account.address)).toBe(true);
    expect(await verifyOrderSignature(order, true, account.address)).toBe(false);
    expect(orderHash(order, false)).toBe(hashTypedData({
      domain: { name: 'Polymarket CTF Exchange', version: '2', chainId: 137, verifyingContract: EXCHANGE_V2 },
      types: ORDER_TYPES, primaryType: 'Order',
      message: { ...order, tokenId: BigInt(order.tokenId), side: 0 },
    }));
  });

  it('verifies Safe (type 2) and deposit-wallet (type 3, ERC-1271 wrapped) orders against the key\'s address', async () => {
    const safe = envelope(await build(new OrderBuilder(signer, 137, SignatureTypeV2.POLY_GNOSIS_SAFE, FUNDER), Side.BUY, 0.4, 5)).order;
    expect(safe.maker.toLowerCase()).toBe(FUNDER);
    expect(await verifyOrderSignature(safe, false, account.address)).toBe(true);
    const wallet = envelope(await build(new OrderBuilder(signer, 137, SignatureTypeV2.POLY_1271, FUNDER), Side.BUY, 0.4, 5)).order;
    expect(wallet.signer.toLowerCase()).toBe(FUNDER);
    expect(await verifyOrderSignature(wallet, false, account.address)).toBe(true);
    expect(await verifyOrderSignature(wallet, false, FUNDER)).toBe(false);
    expect(await verifyOrderSignature(wallet, true, account.address)).toBe(false);
  });
});

describe('funder wallets end to end', () => {
  it('trades for a deposit wallet: its orders and balances are the wallet\'s, funded on first use', async () => {
    const server = await startSimServer({ port: 0, seed: 2, fund: '100' });
    try {
      const yes = server.exchange.markets()[0]!.tokens[0]!.tokenId;
      const creds = await new ClobClient({ host: server.url, chain: 137, signer }).createOrDeriveApiKey();
      const client = new ClobClient({ host: server.url, chain: 137, signer, creds, signatureType: SignatureTypeV2.POLY_1271, funderAddress: FUNDER });
      const ask = server.exchange.book(yes).asks[0]!.price;
      const posted = await client.createAndPostOrder({ tokenID: yes, price: Number(dec(ask)), size: 5, side: Side.BUY });
      expect(posted).toMatchObject({ success: true, status: 'matched' });
      expect(server.exchange.balance(FUNDER, yes).total).toBe(5_000_000n);
      expect((await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: yes })).balance).toBe('5000000');
      expect((await client.getOrder(posted.orderID)).maker_address.toLowerCase()).toBe(FUNDER);
      expect((await client.getTrades()).map((t) => t.trader_side)).toEqual(['TAKER']);
    } finally {
      await server.close();
    }
  });
});
