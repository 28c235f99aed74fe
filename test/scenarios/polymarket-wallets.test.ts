/**
 * Per-user wallets with VENUE=polymarket, against the loopback simulator: a linked wallet's venue signs with the
 * wallet's own key (decrypted from the store) and reads its own account, beside the operator's from the environment;
 * a wallet without a private key cannot trade; no log line holds a key
 */
import { randomBytes } from 'node:crypto';
import { generatePrivateKey } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { linkWallet, unlinkWallet } from '../../src/engine/user-wallets.ts';
import { walletVenuesFor } from '../../src/main.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { createUser } from '../../src/store/user-store.ts';
import { addressOf, startRig, type Rig } from '../support/polymarket-rig.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

let rig: Rig;
let t: TestDb;
const box = createSecretBox(randomBytes(32));

beforeAll(async () => {
  rig = await startRig({ ws: false, fund: '250' });
  t = await openTestDb();
});
afterAll(async () => {
  await rig?.close();
  await t?.close();
});

describe(`per-user wallets on Polymarket (simulated over the wire, ${backendName})`, () => {
  it('opens each linked wallet\'s venue with its own key and account; the operator\'s stays the fallback', async () => {
    const config = loadConfig({ VENUE: 'polymarket', POLYMARKET_CLOB_URL: rig.server.url, POLYMARKET_PRIVATE_KEY: rig.privateKey });
    const { user } = await createUser(t.db, 'dana');
    const key = generatePrivateKey();
    const linked = await linkWallet({ db: t.db, clock: rig.clock, secrets: box }, user.userId, { private_key: key });
    expect(linked.ok).toBe(true);
    const credsOnly = await linkWallet({ db: t.db, clock: rig.clock, secrets: box }, user.userId,
      { address: `0x${'42'.repeat(20)}`, api_key: 'k', api_secret: 'creds-only-secret', api_passphrase: 'creds-only-pass' });
    expect(credsOnly.ok).toBe(true);
    const venues = walletVenuesFor(config, { db: t.db, secrets: box, operator: rig.venue, clock: rig.clock, log: rig.log, exchange: null });
    try {
      const mine = await venues.forWallet(user.userId, addressOf(key));
      expect(mine.signerAddress).toBe(addressOf(key));
      expect(mine).not.toBe(rig.venue);
      expect(await venues.forWallet(user.userId, addressOf(key))).toBe(mine); // opened once
      expect(await mine.availableCollateral()).toBe(250_000_000n); // the simulator funds each new wallet
      expect(await venues.forWallet(user.userId, null)).toBe(rig.venue);
      await expect(venues.forWallet(user.userId, `0x${'42'.repeat(20)}`)).rejects.toThrow(/no private key linked to sign orders/);
      expect((await venues.all()).map((v) => v.wallet)).toEqual([null, addressOf(key)]);
      // unlinked and linked again (e.g. with new API credentials): its venue is opened again, not the old one reused
      expect((await unlinkWallet({ db: t.db, clock: rig.clock }, user.userId, addressOf(key))).ok).toBe(true);
      rig.clock.advance(1000);
      expect((await linkWallet({ db: t.db, clock: rig.clock, secrets: box }, user.userId, { private_key: key })).ok).toBe(true);
      const again = await venues.forWallet(user.userId, addressOf(key));
      expect(again).not.toBe(mine);
      expect(again.signerAddress).toBe(addressOf(key));
    } finally {
      await venues.close();
    }
    for (const secret of [key, key.slice(2), rig.privateKey.slice(2), 'creds-only-secret', 'creds-only-pass']) {
      expect(rig.lines.filter((l) => l.includes(secret))).toEqual([]);
    }
  }, 120_000);
});
