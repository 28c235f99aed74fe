/** `tandem wallet`: link from stdin or a file (never argv), list, unlink; nothing printed holds the secret */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createUser } from '../store/user-store.ts';
import { openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { secretsInput, walletCommand } from './wallet-command.ts';

const KEY = `0x${'7a11e7'.repeat(10)}7a11` as const;
const ADDRESS = privateKeyToAccount(KEY).address.toLowerCase();
const config = loadConfig({ TANDEM_SECRET_KEY: randomBytes(32).toString('hex') });
let t: TestDb;
let dir: string;
const outs: string[] = [];
const run = async (verb: string, values: Record<string, string | boolean>, stdin = '') => {
  const r = await walletCommand({ db: t.db, config, stdin: async () => stdin }, verb, values);
  outs.push(r.out);
  return r;
};

beforeAll(async () => {
  t = await openTestDb();
  await createUser(t.db, 'carol');
  dir = mkdtempSync(join(tmpdir(), 'tandem-wallet-cli-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tandem wallet', () => {
  it('links from stdin and from a file, lists and unlinks', async () => {
    const linked = await run('link', { user: 'carol', 'secrets-stdin': true, label: 'cli' }, `${KEY}\n`);
    expect(linked.code).toBe(0);
    expect(JSON.parse(linked.out)).toMatchObject({ address: ADDRESS, has_private_key: true, signature_type: 0 });
    const file = join(dir, 'secrets.json');
    const other = `0x${randomBytes(32).toString('hex')}`;
    writeFileSync(file, JSON.stringify({ private_key: other, api_secret: 's3cr3t-from-file', api_passphrase: 'pp-from-file' }));
    const second = await run('link', { user: 'carol', 'secrets-file': file, 'api-key': 'k1', 'signature-type': '1', funder: `0x${'ee'.repeat(20)}` });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ has_api_credentials: true, signature_type: 1 });
    const list = await run('list', { user: 'carol' });
    expect(list.out.split('\n')).toHaveLength(2);
    expect((await run('unlink', { user: 'carol', address: ADDRESS })).out).toBe(`unlinked ${ADDRESS}`);
    expect((await run('list', { user: 'carol' })).out.split('\n')).toHaveLength(1);
    for (const o of outs) for (const s of [KEY.slice(2), other.slice(2), 's3cr3t-from-file', 'pp-from-file']) expect(o).not.toContain(s);
  });

  it('refuses what it cannot use, with the reason and without the value', async () => {
    expect((await run('link', { user: 'nobody', 'secrets-stdin': true }, KEY)).code).toBe(2);
    expect((await run('link', { user: 'carol', 'secrets-stdin': true }, `${KEY.slice(0, 40)}zz`)).code).toBe(2);
    const funderless = await run('link', { user: 'carol', 'secrets-stdin': true, 'signature-type': '2' }, KEY);
    expect(funderless.code).toBe(1);
    expect(funderless.out).toMatch(/funder: funder is required/);
    expect((await run('unlink', { user: 'carol', address: `0x${'01'.repeat(20)}` })).code).toBe(1);
    expect((await run('frobnicate', { user: 'carol' })).code).toBe(2);
    for (const o of outs) expect(o).not.toContain(KEY.slice(2, 40));
    expect(secretsInput('{"private_key":"0x1", "other": 1}')).toBeNull();
    expect(secretsInput('{"private_key":')).toBeNull();
  });
});
