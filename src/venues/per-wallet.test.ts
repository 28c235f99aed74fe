import { randomBytes } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../store/secret-box.ts';
import { createUser } from '../store/user-store.ts';
import { deleteUserWallet, insertUserWallet, type UserWallet } from '../store/user-wallet-store.ts';
import { captureLog } from '../../test/support/polymarket-rig.ts';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { perLinkedWallet, type PerWallet } from './per-wallet.ts';

/** What the test's opener returns: which open it was, with the key it was given */
interface Opened { n: number; key: string | null }

const box = createSecretBox(randomBytes(32));

describe(`one value per linked wallet (${backendName})`, () => {
  let t: TestDb;
  let userId: string;
  let opens: UserWallet[];
  let released: Opened[];
  let failNext: boolean;
  let lines: string[];
  let cache: PerWallet<Opened>;

  /** Links a new wallet (its key sealed) for the user at a given time; returns its lower-case address */
  async function link(key: `0x${string}`, at: string): Promise<string> {
    const address = privateKeyToAccount(key).address.toLowerCase();
    expect(await insertUserWallet(t.db, box, { userId, address, label: null, signatureType: 0, funder: null, apiKey: null,
      linkedAt: new Date(at), secrets: { privateKey: key, creds: null } })).toBe(true);
    return address;
  }
  const valueOf = async (address: string) => cache.of((await cache.linked(address))!);

  beforeEach(async () => {
    t = await openTestDb();
    userId = (await createUser(t.db, 'alice')).user.userId;
    [opens, released, failNext, lines] = [[], [], false, []];
    cache = perLinkedWallet<Opened>({ db: t.db, secrets: box, log: captureLog(lines), what: 'test value',
      open: async (wallet, secrets) => {
        opens.push(wallet);
        if (failNext) {
          failNext = false;
          throw new Error(`refused ${secrets.privateKey}`);
        }
        return wallet.label === 'none' ? null : { n: opens.length, key: secrets.privateKey };
      },
      release: async (v) => void released.push(v) });
  });
  afterEach(async () => t.close());

  it('opens a wallet once per link, from its decrypted secrets, found by its address in any case', async () => {
    const key = generatePrivateKey();
    const address = await link(key, '2026-12-01T00:00:00Z');
    expect(await cache.linked(address.toUpperCase().replace('0X', '0x'))).toMatchObject({ address, userId });
    expect(await cache.linked(`0x${'7'.repeat(40)}`)).toBeNull();
    expect(await valueOf(address)).toEqual({ n: 1, key });
    expect(await valueOf(address)).toEqual({ n: 1, key });
    expect(opens.map((w) => w.address)).toEqual([address]);
    expect((await cache.wallets()).map((w) => w.address)).toEqual([address]);
  });

  it('opens a wallet unlinked and linked again afresh, releasing the value of the old link', async () => {
    const first = generatePrivateKey();
    const address = await link(first, '2026-12-01T00:00:00Z');
    expect(await valueOf(address)).toEqual({ n: 1, key: first });
    expect(await deleteUserWallet(t.db, userId, address)).toBe(true);
    expect(await cache.linked(address)).toBeNull();
    const again = await link(first, '2026-12-01T01:00:00Z');
    expect(await valueOf(again)).toEqual({ n: 2, key: first });
    await expect.poll(() => released).toEqual([{ n: 1, key: first }]);
    expect(await valueOf(again)).toEqual({ n: 2, key: first });
    expect(opens).toHaveLength(2);
  });

  it('tries a failed open again next time, logging the wallet without the error\'s detail', async () => {
    const key = generatePrivateKey();
    const address = await link(key, '2026-12-01T00:00:00Z');
    failNext = true;
    await expect(valueOf(address)).rejects.toThrow(/refused/);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ level: 'error', msg: 'test value failed to open', address }]);
    expect(lines.join('\n')).not.toContain(key.slice(2));
    expect(await valueOf(address)).toEqual({ n: 2, key });
    expect(await valueOf(address)).toEqual({ n: 2, key });
  });

  it('releases every value opened at close (none for a wallet that opened to null), and opens afresh after', async () => {
    const a = await link(generatePrivateKey(), '2026-12-01T00:00:00Z');
    const b = await link(generatePrivateKey(), '2026-12-01T00:00:01Z');
    await t.db.query(`UPDATE user_wallets SET label = 'none' WHERE address = $1`, [b]);
    expect(await valueOf(a)).toMatchObject({ n: 1 });
    expect(await valueOf(b)).toBeNull();
    await cache.close();
    expect(released).toEqual([expect.objectContaining({ n: 1 })]);
    expect(await valueOf(a)).toMatchObject({ n: 3 });
  });
});
