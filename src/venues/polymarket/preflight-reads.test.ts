// @backend-independent
import { generatePrivateKey } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/clock.ts';
import { VenueSetupError } from '../../engine/venue-port.ts';
import { silentLog } from '../../log.ts';
import { startSimServer, type SimServer } from '../../sim/server/server.ts';
import { closedPort } from '../../../test/support/polymarket-rig.ts';
import { createPolymarketVenue } from './polymarket-venue.ts';
import { accountOf, collateralSpenders, credsFailure, signerAddressOf, toAllowances } from './preflight-reads.ts';

const EXCHANGE = '0xE111180000d2663C0091e4f400237545B87B996B';
const NEG_RISK_EXCHANGE = '0xe2222d279d744050d28e00520010520000310F59';
const ADAPTER = '0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296';
const MAX = ((1n << 256n) - 1n).toString();

let sim: SimServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('Polymarket preflight reads', () => {
  it('needs allowances for both V2 exchanges and the neg-risk adapter', () => {
    expect(collateralSpenders(137)).toEqual([
      { role: 'exchange', spender: EXCHANGE }, { role: 'neg_risk_exchange', spender: NEG_RISK_EXCHANGE },
      { role: 'neg_risk_adapter', spender: ADAPTER },
    ]);
  });

  it('reads the V2 allowances map by address in any case; a spender it omits has none; V1 has one allowance', () => {
    const v2 = { balance: '1000000', allowances: { [EXCHANGE.toLowerCase()]: MAX, [NEG_RISK_EXCHANGE]: '0' } };
    expect(toAllowances(v2, collateralSpenders(137)).map((a) => [a.role, a.amount])).toEqual([
      ['exchange', BigInt(MAX)], ['neg_risk_exchange', 0n], ['neg_risk_adapter', null],
    ]);
    expect(toAllowances({ balance: '1', allowance: '250.5' }, collateralSpenders(137)).map((a) => a.amount))
      .toEqual([250_500_000n, 250_500_000n, 250_500_000n]);
  });

  it('names a bad key without showing it, and derives the signer address of a good one', () => {
    const zero = `0x${'0'.repeat(64)}` as const;
    let error: unknown;
    try {
      accountOf(zero);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VenueSetupError);
    expect(error).toMatchObject({ code: 'invalid_private_key', permanent: true });
    expect(signerAddressOf(zero)).toBeNull();
    expect(signerAddressOf(null)).toBeNull();
    expect(signerAddressOf(generatePrivateKey())).toMatch(/^0x[0-9a-f]{40}$/);
  });

  it('tells an unreachable CLOB from one that answers', async () => {
    const down = await credsFailure(`http://127.0.0.1:${await closedPort()}`);
    expect(down).toMatchObject({ code: 'clob_unreachable' });
    expect(down.message).toMatch(/could not create or derive Polymarket API creds at .*: the CLOB did not answer \(ECONNREFUSED\)/);
    sim = await startSimServer({ port: 0, host: '127.0.0.1', markets: [] });
    expect(await credsFailure(sim.url)).toMatchObject({ code: 'api_creds_unavailable' });
  });

  it('reads allowances through the adapter, and names API credentials the CLOB refuses', async () => {
    sim = await startSimServer({ port: 0, host: '127.0.0.1', markets: [], fund: '25' });
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const venue = await createPolymarketVenue({ host: sim.url, privateKey: generatePrivateKey(), log: silentLog, clock });
    expect((await venue.collateralAllowances!()).map((a) => a.amount)).toEqual([BigInt(MAX), BigInt(MAX), BigInt(MAX)]);
    expect(await venue.availableCollateral()).toBe(25_000_000n);
    const refused = await createPolymarketVenue({
      host: sim.url, privateKey: generatePrivateKey(), log: silentLog, clock,
      creds: { key: '00000000-0000-0000-0000-000000000000', secret: Buffer.from('not-the-secret').toString('base64'), passphrase: 'nope' },
    });
    await expect(refused.availableCollateral()).rejects.toMatchObject({ code: 'api_creds_rejected' });
    await venue.close();
    await refused.close();
  });
});
