import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import type { AlertRow } from '../store/alert-store.ts';
import { scrubUrl, webhookBody, webhookHost } from './webhook.ts';

const row: AlertRow = {
  alertId: 'a1', userId: 'u1', strategyId: 'LT_FT_A', kind: 'slippage', dedupeKey: 'slippage:u1:LT_FT_A', severity: 'warning',
  message: 'LT_FT_A: signal slippage above 0.5 %', detail: { consecutive: 3 }, firedAt: new Date('2026-03-01T12:00:00Z'),
  suppressed: 0, lastSeenAt: new Date('2026-03-01T12:00:00Z'), delivery: 'pending', attempts: 0, deliveredAt: null, lastError: null,
};

describe('webhook payload and secrets', () => {
  it('has a Slack text and the alert', () => {
    expect(webhookBody(row)).toEqual({
      text: 'warning slippage: LT_FT_A: signal slippage above 0.5 %',
      alert: { id: 'a1', kind: 'slippage', severity: 'warning', message: 'LT_FT_A: signal slippage above 0.5 %',
        detail: { consecutive: 3 }, strategy_id: 'LT_FT_A', fired_at: '2026-03-01T12:00:00.000Z' },
    });
  });

  it('logs only the host, and scrubs the URL, its path, query and credentials from errors', () => {
    const url = 'https://user:pw123@hooks.slack.com/services/T000/B000/XXXXSECRET?token=abc123';
    expect(webhookHost(url)).toBe('hooks.slack.com');
    expect(webhookHost('not a url')).toBe('invalid-url');
    const text = scrubUrl(`request to ${url} failed; path /services/T000/B000/XXXXSECRET, query ?token=abc123, pw123`, url);
    for (const secret of ['XXXXSECRET', 'abc123', 'pw123']) expect(text).not.toContain(secret);
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

  it.each([
    ['a webhook that is not http(s)', { ALERT_WEBHOOK_URL: 'ftp://host/s3cr3t' }, 'ALERT_WEBHOOK_URL'],
    ['a webhook that is no URL', { ALERT_WEBHOOK_URL: 'https://exa mple/s3cr3t' }, 'ALERT_WEBHOOK_URL'],
    ['a negative cool-down', { ALERT_COOLDOWN_SECONDS: '-1' }, 'ALERT_COOLDOWN_SECONDS'],
    ['a percentage above 100', { ALERT_FILL_RATE_MIN_PCT: '101' }, 'ALERT_FILL_RATE_MIN_PCT'],
    ['a percentage that is no decimal', { ALERT_REJECTION_RATE_MAX_PCT: '5%' }, 'ALERT_REJECTION_RATE_MAX_PCT'],
  ])('refuses %s, naming the variable but never echoing the URL', (_name, env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});
