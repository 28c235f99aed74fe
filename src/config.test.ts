// @backend-independent
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const KEY = `0x${'ab'.repeat(32)}`;

describe('configuration', () => {
  it('reads METRICS_TOKEN and METRICS_PORT (unset: /metrics off), refusing a short token without echoing it', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, port: null });
    expect(loadConfig({ METRICS_TOKEN: '', METRICS_PORT: '' }).metrics).toEqual({ token: null, port: null });
    expect(loadConfig({ METRICS_TOKEN: 'a-metrics-token-1234', METRICS_PORT: '9464' }).metrics)
      .toEqual({ token: 'a-metrics-token-1234', port: 9464 });
    for (const bad of ['short-secret', 'a metrics token with spaces']) {
      const refused = (() => {
        try {
          loadConfig({ METRICS_TOKEN: bad });
          return null;
        } catch (e) {
          return e as Error;
        }
      })();
      expect(refused).toBeInstanceOf(ConfigError);
      expect(refused!.message).toContain('METRICS_TOKEN');
      expect(refused!.message).not.toContain(bad);
    }
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('defaults to the simulated world and the simulated venue, on port 8080', () => {
    const c = loadConfig({});
    expect([c.port, c.ftSource, c.venue.kind, c.dataDir]).toEqual([8080, 'sim', 'simulated', './data']);
  });

  it('reads a Polymarket venue with derived credentials', () => {
    const c = loadConfig({ VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: KEY, POLYMARKET_SIGNATURE_TYPE: '3' });
    expect(c.venue).toMatchObject({ kind: 'polymarket', privateKey: KEY, creds: null, signatureType: 3 });
  });

  it('reads the relayer for proxy and Safe wallets when its URL and the three builder credentials are set', () => {
    const relayer = { POLYMARKET_RELAYER_URL: 'https://relayer.example/', POLYMARKET_BUILDER_API_KEY: 'k',
      POLYMARKET_BUILDER_SECRET: 's3cr3t', POLYMARKET_BUILDER_PASSPHRASE: 'p' };
    expect(loadConfig({ VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: KEY, ...relayer }).venue).toMatchObject({
      relayer: { url: 'https://relayer.example/', builder: { key: 'k', secret: 's3cr3t', passphrase: 'p' } } });
    expect(loadConfig({ VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: KEY }).venue).toMatchObject({ relayer: null });
  });

  it.each([
    ['no key', { VENUE: 'polymarket' }, 'POLYMARKET_PRIVATE_KEY is not set'],
    ['a malformed key', { VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: '0xsecretvalue' }, 'POLYMARKET_PRIVATE_KEY is not a 0x-prefixed 32-byte hex key'],
  ])('starts with %s: no key to sign with, and why, never echoing it (preflight turns trading off)', (_name, env, problem) => {
    const c = loadConfig(env as Record<string, string>);
    expect(c.venue).toMatchObject({ kind: 'polymarket', privateKey: null, keyProblem: problem });
    expect(JSON.stringify(c.venue)).not.toContain('secretvalue');
  });

  it.each([
    ['part of the API credentials', { VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: KEY, POLYMARKET_API_SECRET: 's3cr3t' }, 'POLYMARKET_API_KEY'],
    ['a relayer without builder credentials', { VENUE: 'polymarket', POLYMARKET_RELAYER_URL: 'https://relayer.example/' }, 'POLYMARKET_BUILDER_API_KEY'],
    ['builder credentials without a relayer', { VENUE: 'polymarket', POLYMARKET_BUILDER_API_KEY: 'k', POLYMARKET_BUILDER_SECRET: 's3cr3t',
      POLYMARKET_BUILDER_PASSPHRASE: 'p' }, 'POLYMARKET_RELAYER_URL'],
    ['a bad port', { PORT: 'abc' }, 'PORT'],
    ['a webhook that is not http(s)', { ALERT_WEBHOOK_URL: 'ftp://host/s3cr3t' }, 'ALERT_WEBHOOK_URL'],
    ['a webhook that is no URL', { ALERT_WEBHOOK_URL: 'https://exa mple/s3cr3t' }, 'ALERT_WEBHOOK_URL'],
    ['a negative cool-down', { ALERT_COOLDOWN_SECONDS: '-1' }, 'ALERT_COOLDOWN_SECONDS'],
    ['a percentage above 100', { ALERT_FILL_RATE_MIN_PCT: '101' }, 'ALERT_FILL_RATE_MIN_PCT'],
    ['a percentage that is no decimal', { ALERT_REJECTION_RATE_MAX_PCT: '5%' }, 'ALERT_REJECTION_RATE_MAX_PCT'],
  ])('refuses %s, naming the variable but never echoing a secret or the URL', (_name, env, variable) => {
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

describe('alert configuration', () => {
  it('defaults: no webhook, 15 minutes of cool-down, 30 minutes of feed silence, 95 % and 5 %', () => {
    expect(loadConfig({}).alerts).toEqual({ webhookUrl: null, cooldownMs: 900_000, feedSilenceMs: 1_800_000,
      minFillRatePct: 95_000_000n, maxRejectionRatePct: 5_000_000n });
  });

  it('reads every variable', () => {
    const c = loadConfig({ ALERT_WEBHOOK_URL: 'http://127.0.0.1:9999/hook', ALERT_COOLDOWN_SECONDS: '60',
      ALERT_FEED_SILENCE_SECONDS: '120', ALERT_FILL_RATE_MIN_PCT: '99.5', ALERT_REJECTION_RATE_MAX_PCT: '0.25' });
    expect(c.alerts).toEqual({ webhookUrl: 'http://127.0.0.1:9999/hook', cooldownMs: 60_000, feedSilenceMs: 120_000,
      minFillRatePct: 99_500_000n, maxRejectionRatePct: 250_000n });
    expect(loadConfig({ ALERT_WEBHOOK_URL: '' }).alerts.webhookUrl).toBeNull();
  });
});

describe('RTDS configuration', () => {
  it('is on by default with the Data API, at Polymarket, and off in sim mode and without a source', () => {
    expect(loadConfig({ FT_SOURCE: 'data-api' }).rtds).toEqual({ url: 'wss://ws-live-data.polymarket.com', silenceMs: 60_000,
      fallbackPollMs: 15_000 });
    expect(loadConfig({}).rtds).toBeNull();
    expect(loadConfig({ FT_SOURCE: 'none' }).rtds).toBeNull();
  });

  it('reads every variable; RTDS_ENABLED=false leaves polling alone', () => {
    const c = loadConfig({ FT_SOURCE: 'data-api', RTDS_URL: 'ws://127.0.0.1:9/rtds', RTDS_SILENCE_SECONDS: '20',
      RTDS_FALLBACK_POLL_SECONDS: '5' });
    expect(c.rtds).toEqual({ url: 'ws://127.0.0.1:9/rtds', silenceMs: 20_000, fallbackPollMs: 5_000 });
    expect(loadConfig({ FT_SOURCE: 'data-api', RTDS_ENABLED: 'false' }).rtds).toBeNull();
    expect(() => loadConfig({ FT_SOURCE: 'data-api', RTDS_URL: 'http://127.0.0.1:9' })).toThrow(/RTDS_URL/);
  });

  describe('DATABASE_SSL_CA_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZm9vYmFy\n-----END CERTIFICATE-----\n';
    const ca = join(dir, 'ca.crt');
    writeFileSync(ca, pem);
    const notPem = join(dir, 'ca.txt');
    writeFileSync(notPem, 'hello');
    const url = 'postgres://tandem@db.example.supabase.co:5432/postgres';

    it('reads the CA certificate for a PostgreSQL URL; without it, none', () => {
      expect(loadConfig({ DATABASE_URL: url, DATABASE_SSL_CA_FILE: ca }).databaseCa).toBe(pem);
      expect(loadConfig({ DATABASE_URL: url }).databaseCa).toBeNull();
      expect(loadConfig({ DATABASE_URL: url, DATABASE_SSL_CA_FILE: '' }).databaseCa).toBeNull();
    });

    it.each([
      ['a missing file', { DATABASE_URL: url, DATABASE_SSL_CA_FILE: join(dir, 'nope.crt') }, /cannot read .*nope\.crt \(ENOENT\)/],
      ['a file without a certificate', { DATABASE_URL: url, DATABASE_SSL_CA_FILE: notPem }, /holds no PEM certificate/],
      ['no DATABASE_URL', { DATABASE_SSL_CA_FILE: ca }, /needs DATABASE_URL/],
      ['sslmode in the URL too', { DATABASE_URL: `${url}?sslmode=verify-full`, DATABASE_SSL_CA_FILE: ca }, /set TLS in one place/],
    ])('refuses %s, naming DATABASE_SSL_CA_FILE', (_name, env, why) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(why);
      expect(() => loadConfig(env)).toThrow(/DATABASE_SSL_CA_FILE/);
    });
  });
});
