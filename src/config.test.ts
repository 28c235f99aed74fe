import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const KEY = `0x${'ab'.repeat(32)}`;

describe('configuration', () => {
  it('defaults to the simulated world and the simulated venue, on port 8080', () => {
    const c = loadConfig({});
    expect([c.port, c.ftSource, c.venue.kind, c.dataDir]).toEqual([8080, 'sim', 'simulated', './data']);
  });

  it('reads a Polymarket venue with derived credentials', () => {
    const c = loadConfig({ VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: KEY, POLYMARKET_SIGNATURE_TYPE: '3' });
    expect(c.venue).toMatchObject({ kind: 'polymarket', privateKey: KEY, creds: null, signatureType: 3 });
  });

  it.each([
    ['no key', { VENUE: 'polymarket' }, 'POLYMARKET_PRIVATE_KEY'],
    ['a malformed key', { VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: '0xsecretvalue' }, 'POLYMARKET_PRIVATE_KEY'],
    ['part of the API credentials', { VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: KEY, POLYMARKET_API_SECRET: 's3cr3t' }, 'POLYMARKET_API_KEY'],
    ['a bad port', { PORT: 'abc' }, 'PORT'],
  ])('refuses %s, naming the variable but never echoing a secret', (_name, env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('secretvalue');
    expect(message).not.toContain('s3cr3t');
  });
});
