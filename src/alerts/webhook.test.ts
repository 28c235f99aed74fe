// @backend-independent
import { describe, expect, it } from 'vitest';
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

