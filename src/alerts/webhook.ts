/**
 * Delivers pending alerts to the configured webhook as JSON with a Slack-compatible `text`. Each attempt is counted
 * (claimed in the database first, so two processes never send the same attempt); a failed alert stays pending for
 * the next run until `maxAttempts`, then it is `failed` with its last error. The URL may carry a token: it is never
 * logged or stored, only its host
 */
import type { AlertNotifier, DeliveryReport } from '../engine/alert-monitor.ts';
import type { Clock, Log } from '../engine/ports.ts';
import {
  claimAttempt, markAttemptFailed, markDelivered, pendingAlerts, type AlertRow,
} from '../store/alert-store.ts';
import type { Db } from '../store/db.ts';

export interface WebhookOptions {
  url: string;
  /** Per request, default 5 s */
  timeoutMs?: number;
  /** Attempts before an alert is `failed`, default 5 */
  maxAttempts?: number;
  /** Alerts per run, default 50 */
  batch?: number;
  fetch?: typeof fetch;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 5;

/** The body: Slack shows `text`; other receivers read `alert` */
export function webhookBody(a: AlertRow) {
  return {
    text: `${a.severity} ${a.kind}: ${a.message}`,
    alert: {
      id: a.alertId, kind: a.kind, severity: a.severity, message: a.message, detail: a.detail, strategy_id: a.strategyId,
      fired_at: a.firedAt.toISOString(),
    },
  };
}

/** What may be logged about the webhook: its host */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

/** Removes the URL, and its path and query (where a token would be), from an error text */
export function scrubUrl(text: string, url: string): string {
  let out = text.split(url).join('<webhook>');
  try {
    const u = new URL(url);
    for (const part of [u.pathname + u.search, u.pathname, u.search, u.username, u.password]) {
      if (part.length > 1) out = out.split(part).join('<redacted>');
    }
  } catch {
    // not a URL: nothing more to remove
  }
  return out;
}

type Attempt = { ok: true } | { ok: false; error: string; transport: boolean };

async function post(options: WebhookOptions, body: unknown): Promise<Attempt> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  try {
    const res = await (options.fetch ?? fetch)(options.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs), redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined); // drain, so the connection is reused
    return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.status}`, transport: false };
  } catch (error) {
    return { ok: false, error: scrubUrl(transportError(error, timeoutMs), options.url), transport: true };
  }
}

function transportError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return typeof cause?.code === 'string' ? `${message} (${cause.code})` : message;
}

/**
 * A notifier over the webhook. A run sends the oldest pending alerts; a transport failure (no answer, timeout) ends
 * the run, so a webhook that is down costs one timeout per run, not one per alert
 */
export function createWebhookNotifier(deps: { db: Db; clock: Clock; log: Log }, options: WebhookOptions): AlertNotifier {
  const host = webhookHost(options.url);
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS);
  return {
    deliverPending: async (): Promise<DeliveryReport> => {
      const report: DeliveryReport = { delivered: 0, retrying: 0, failed: 0 };
      for (const row of await pendingAlerts(deps.db, options.batch ?? 50)) {
        if (!(await claimAttempt(deps.db, row.alertId, row.attempts))) continue;
        const attempt = row.attempts + 1;
        const result = await post(options, webhookBody(row));
        if (result.ok) {
          await markDelivered(deps.db, row.alertId, deps.clock.now());
          report.delivered += 1;
          continue;
        }
        const final = attempt >= maxAttempts;
        await markAttemptFailed(deps.db, row.alertId, result.error, final);
        report[final ? 'failed' : 'retrying'] += 1;
        deps.log.warn('alert delivery failed', { alert: row.alertId, host, attempt, final, error: result.error });
        if (result.transport) break;
      }
      return report;
    },
  };
}
