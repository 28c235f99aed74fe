/**
 * The wallets API in-process: link, list, read, unlink; one user's wallet invisible and unusable to another; validation
 * errors; launch only through one's own wallet. Every response body and every log line of the file (the app's log port
 * with a capturing logger at the most verbose level) is captured: the stored secrets appear in none, in any encoding
 */
import { randomBytes } from 'node:crypto';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { startScheduler, type Scheduler } from '../../src/jobs/schedule.ts';
import { createLog } from '../../src/log.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { openWalletSecrets } from '../../src/store/user-wallet-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

/** Recognizable secrets: a private key of repeated 0x5ec7e7 and an API secret and passphrase no other value has */
const PRIVATE_KEY = `0x${'5ec7e7'.repeat(10)}5ec7` as const;
const API_SECRET = 'c2VjcmV0LXNob3VsZC1uZXZlci1sZWFr-XYZZY';
const PASSPHRASE = 'passphrase-never-seen-7f3a9b';
const ADDRESS = privateKeyToAccount(PRIVATE_KEY).address.toLowerCase();
const FUNDER = `0x${'fd'.repeat(20)}`;

/** Every way a secret could be written out: as given, without 0x, upper-case, as bytes in base64 and hex */
function forms(secret: string): string[] {
  const raw = secret.startsWith('0x') ? secret.slice(2) : secret;
  const out = [secret, raw, raw.toUpperCase(), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
  if (/^[0-9a-f]+$/i.test(raw)) out.push(Buffer.from(raw, 'hex').toString('base64'), Buffer.from(raw, 'hex').toString('base64url'));
  return out.filter((f) => f.length >= 12);
}
/** A key outside the curve's range: refused, and neither it nor its decimal value is ever written out */
const BAD_KEY = `0x${'ff'.repeat(32)}`;
const SECRET_FORMS = [PRIVATE_KEY, API_SECRET, PASSPHRASE, BAD_KEY].flatMap(forms).concat(BigInt(BAD_KEY).toString().slice(0, 40));

let t: TestDb;
let app: ReturnType<typeof createApp>;
let scheduler: Scheduler;
let alice: string;
let bob: string;
let aliceId: string;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const box = createSecretBox(randomBytes(32));
const logLines: string[] = [];
const bodies: string[] = [];

const call = async (method: string, path: string, body?: unknown, auth: string | null = alice) => {
  const r = await callApp(app, method, path, body, auth);
  bodies.push(JSON.stringify(r.body));
  return r;
};
const link = (body: Json, auth = alice) => call('POST', '/api/wallets', body, auth);

beforeAll(async () => {
  t = await openTestDb();
  const log = createLog('debug', (l) => logLines.push(l));
  scheduler = startScheduler([], { db: t.db, clock, log });
  app = createApp({ db: t.db, clock, log, venue: idleVenue(clock), version: 'test', runJob: (n) => scheduler.runNow(n), secrets: box });
  const a = await createUser(t.db, 'alice');
  aliceId = a.user.userId;
  alice = a.token;
  bob = (await createUser(t.db, 'bob')).token;
  for (const id of ['FT_W1', 'FT_W2']) await insertWallet(t.db, parseFtWallet({ wallet_id: id, start_date: '2026-01-01T00:00:00Z' }, clock.now()));
});
afterAll(async () => {
  await scheduler?.stop();
  await t?.close();
});

describe(`wallets API on ${backendName}`, () => {
  it('links a wallet from its private key and API credentials, the address derived, the secrets sealed', async () => {
    const r = await link({ label: 'main', private_key: PRIVATE_KEY, signature_type: 2, funder: FUNDER,
      api_key: 'key-id-1', api_secret: API_SECRET, api_passphrase: PASSPHRASE });
    expect(r.status).toBe(201);
    expect(r.body.wallet).toEqual({ address: ADDRESS, label: 'main', signature_type: 2, funder: FUNDER, has_private_key: true,
      has_api_credentials: true, linked_at: '2026-03-01T12:00:00.000Z' });
    const [row] = await t.db.query<{ sealed_secrets: string }>('SELECT sealed_secrets FROM user_wallets WHERE address = $1', [ADDRESS]);
    for (const f of SECRET_FORMS) expect(row!.sealed_secrets).not.toContain(f);
    expect(await openWalletSecrets(t.db, box, aliceId, ADDRESS)).toEqual({ privateKey: PRIVATE_KEY,
      creds: { key: 'key-id-1', secret: API_SECRET, passphrase: PASSPHRASE } });
    // bound to its owner: the sealed value does not open for another user
    await expect(openWalletSecrets({ query: async () => [{ sealed_secrets: row!.sealed_secrets, api_key: 'key-id-1' }] } as never,
      box, 'another-user', ADDRESS)).rejects.toThrow(/does not open/);
    const audit = (await call('GET', '/api/lt/audit')).body.audit as Json[];
    expect(audit.map((a) => a.command)).toContain('wallet_link');
  });

  it('lists and reads without secrets; another user sees 404 and an empty list', async () => {
    const list = await call('GET', '/api/wallets');
    expect(list.body.wallets.map((w: Json) => w.address)).toEqual([ADDRESS]);
    expect((await call('GET', `/api/wallets/0x${ADDRESS.slice(2).toUpperCase()}`)).body.wallet.address).toBe(ADDRESS);
    expect((await call('GET', '/api/wallets', undefined, bob)).body.wallets).toEqual([]);
    expect((await call('GET', `/api/wallets/${ADDRESS}`, undefined, bob)).status).toBe(404);
    expect((await call('DELETE', `/api/wallets/${ADDRESS}`, undefined, bob)).status).toBe(404);
    expect((await call('GET', '/api/wallets', undefined, null)).status).toBe(401);
    const doc = (await call('GET', '/api/openapi.json', undefined, null)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/wallets', '/api/wallets/{address}']));
    expect(Object.keys(doc.paths['/api/wallets'].post.requestBody.content['application/json'].schema.properties))
      .toEqual(expect.arrayContaining(['private_key', 'signature_type', 'funder', 'api_key', 'api_secret', 'api_passphrase']));
  });

  it('the list names the operator wallet a strategy may launch with (its public address), null without one', async () => {
    expect((await call('GET', '/api/wallets')).body.operator_wallet).toBeNull();
    const operator = `0x${'Ab'.repeat(20)}`;
    const withOperator = createApp({ db: t.db, clock, log: createLog('error', () => undefined), venue: idleVenue(clock),
      version: 'test', runJob: async () => ({ ran: false, reason: 'none' }), operatorWallet: operator });
    for (const who of [alice, bob]) {
      const r = await callApp(withOperator, 'GET', '/api/wallets', undefined, who);
      expect([r.status, r.body.operator_wallet]).toEqual([200, operator.toLowerCase()]);
    }
    const doc = (await call('GET', '/api/openapi.json', undefined, null)).body;
    expect(doc.components.schemas.WalletPage.properties.operator_wallet).toMatchObject({ type: ['string', 'null'] });
    expect(doc.components.schemas.WalletPage.required).toContain('operator_wallet');
  });

  it('refuses invalid input with issues that never echo the values', async () => {
    const cases: Json[] = [
      { private_key: PRIVATE_KEY.slice(0, 60) },
      { private_key: `${PRIVATE_KEY}00` },
      { private_key: PRIVATE_KEY, signature_type: 1 },
      { private_key: PRIVATE_KEY, api_key: 'k', api_secret: API_SECRET },
      { private_key: PRIVATE_KEY, signature_type: 7 },
      { private_key: PRIVATE_KEY, secret_extra: PASSPHRASE },
      { api_key: 'k', api_secret: API_SECRET, api_passphrase: PASSPHRASE },
      { private_key: PRIVATE_KEY, address: FUNDER },
      { label: 'nothing' },
      { private_key: BAD_KEY },
    ];
    for (const body of cases) {
      const r = await link(body);
      expect(r.status, JSON.stringify(Object.keys(body))).toBe(400);
      expect(r.type).toContain('application/problem+json');
    }
    const raw = await app.request('/api/wallets', { method: 'POST', body: `{"private_key":"${PRIVATE_KEY}"`,
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' } });
    bodies.push(await raw.text());
    expect(raw.status).toBe(400);
  });

  it('refuses a second link of the same address, by anyone', async () => {
    expect((await link({ private_key: PRIVATE_KEY })).status).toBe(409);
    expect((await link({ private_key: PRIVATE_KEY }, bob)).status).toBe(409);
  });

  it('launches only through the owner\'s wallet, and refuses to unlink a wallet a running strategy uses', async () => {
    const created = await call('POST', '/api/lt/strategies', { ft_wallet_id: 'FT_W1', starting_capital: '50', wallet_address: ADDRESS });
    expect(created.status).toBe(201);
    const bobs = await call('POST', '/api/lt/strategies', { ft_wallet_id: 'FT_W2', starting_capital: '50', wallet_address: ADDRESS }, bob);
    expect(bobs.status).toBe(201);
    const refused = await call('POST', '/api/lt/strategies/LT_FT_W2/launch', undefined, bob);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/is not one of your linked wallets: you have linked no wallet/);
    expect((await call('POST', '/api/lt/strategies/LT_FT_W1/launch')).status).toBe(200);
    const busy = await call('DELETE', `/api/wallets/${ADDRESS}`);
    expect(busy.status).toBe(409);
    expect(busy.body.detail).toMatch(/LT_FT_W1/);
    expect((await call('POST', '/api/lt/strategies/LT_FT_W1/stop')).status).toBe(200);
    const gone = await call('DELETE', `/api/wallets/${ADDRESS}`);
    expect(gone.status).toBe(200);
    expect((await call('GET', '/api/wallets')).body.wallets).toEqual([]);
    expect((await call('GET', '/api/lt/strategies/LT_FT_W1')).status).toBe(200);
  });

  it('refuses to store a secret without a key', async () => {
    const keyless = createApp({ db: t.db, clock, log: createLog('debug', (l) => logLines.push(l)), venue: idleVenue(clock),
      version: 'test', runJob: (n) => scheduler.runNow(n) });
    const r = await callApp(keyless, 'POST', '/api/wallets', { private_key: PRIVATE_KEY }, alice);
    bodies.push(JSON.stringify(r.body));
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/TANDEM_SECRET_KEY is not configured/);
  });

  it('no response body and no log line of this file holds a secret, in any encoding', () => {
    expect(bodies.length).toBeGreaterThan(25);
    expect(logLines.some((l) => l.includes('wallet linked'))).toBe(true);
    const everything = [...bodies, ...logLines];
    for (const f of SECRET_FORMS) {
      const hits = everything.filter((s) => s.toLowerCase().includes(f.toLowerCase()));
      expect(hits, `secret form ${f.slice(0, 6)}…`).toEqual([]);
    }
  });
});
