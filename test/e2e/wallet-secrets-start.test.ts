// @backend-independent
/**
 * Start with linked wallets' secrets stored: refused without TANDEM_SECRET_KEY, refused with a key that does not open
 * them (the authentication tag), started with the key they were sealed with
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem } from '../../src/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-wallet-secrets-'));
const KEY = randomBytes(32).toString('hex');
const configWith = (key: string | undefined) => loadConfig({
  DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'none', SEED_DEMO: 'false',
  ...(key === undefined ? {} : { TANDEM_SECRET_KEY: key }),
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start with stored wallet secrets', () => {
  it('refuses without the key or with another key, and starts with the right one', async () => {
    const first = await startTandem(configWith(KEY), silentLog);
    try {
      const token = readFileSync(first.operatorTokenFile!, 'utf8').trim();
      const res = await fetch(new URL('/api/wallets', first.url), { method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ private_key: `0x${randomBytes(32).toString('hex')}` }) });
      expect(res.status).toBe(201);
    } finally {
      await first.stop();
    }
    await expect(startTandem(configWith(undefined), silentLog)).rejects.toThrow(/1 linked wallet\(s\) have stored secrets but TANDEM_SECRET_KEY is not set/);
    await expect(startTandem(configWith(randomBytes(32).toString('base64')), silentLog)).rejects.toThrow(/does not open with TANDEM_SECRET_KEY: the key is wrong/);
    const again = await startTandem(configWith(Buffer.from(KEY, 'hex').toString('base64')), silentLog);
    await again.stop();
  }, 120_000);

  it('rejects a malformed key in configuration without echoing it', () => {
    expect(() => configWith('zz-not-a-key-zz')).toThrow(/TANDEM_SECRET_KEY: 32 bytes as 64 hex digits or base64/);
    expect(() => configWith('zz-not-a-key-zz')).not.toThrow(/zz-not-a-key/);
  });
});
