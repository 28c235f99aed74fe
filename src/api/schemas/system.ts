/** Alerts, job runs and linked wallets: their bodies */
import { z } from '@hono/zod-openapi';
import { Iso, JsonObject, JsonValue, NextCursor } from './common.ts';

export const Alert = z.looseObject({
  alert_id: z.string(),
  kind: z.string().openapi({ description: 'order_latency, slippage, fill_rate, rejection_rate, feed_silent, job_missed, ledger_drift, reconciliation or redemption' }),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  detail: JsonObject,
  strategy_id: z.string().nullable(),
  system: z.boolean().openapi({ description: 'A system alert (scheduler, feeds, venue), not one of your strategies\'' }),
  fired_at: Iso,
  suppressed: z.number().int().openapi({ description: 'Repeats within the cool-down, not sent again' }),
  last_seen_at: Iso,
  delivery: z.enum(['pending', 'delivered', 'failed', 'disabled']).openapi({ description: 'The webhook delivery state' }),
  attempts: z.number().int(),
  delivered_at: Iso.nullable(),
  last_error: z.string().nullable(),
}).openapi('Alert');
export const AlertPage = z.object({ alerts: z.array(Alert), next_cursor: NextCursor }).openapi('AlertPage');

export const JobRun = z.looseObject({
  run_id: z.string(), job: z.string(), started_at: Iso, finished_at: Iso.nullable(),
  status: z.string().openapi({ description: 'running, ok or failed' }),
  detail: JsonValue.openapi({ description: 'The run\'s report or error' }),
}).openapi('JobRun');
export const JobRunPage = z.object({ runs: z.array(JobRun), next_cursor: NextCursor }).openapi('JobRunPage');

export const VenueState = z.looseObject({
  state: z.string().openapi({ description: 'ready, degraded or off' }),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).openapi({ description: 'What stops or limits trading' }),
  checked_at: Iso.nullable(),
}).openapi('WalletVenueState');
export const Wallet = z.looseObject({
  address: z.string(), label: z.string().nullable(), signature_type: z.number().int().openapi({ description: '0 EOA, 1 proxy, 2 and 3 Safe' }),
  funder: z.string().nullable(), has_private_key: z.boolean(), has_api_credentials: z.boolean(), linked_at: Iso,
}).openapi('Wallet', { description: 'A linked wallet: whether secrets are stored, never what they are' });
export const WalletWithVenue = Wallet.extend({ venue: VenueState }).openapi('WalletWithVenue');
export const WalletPage = z.object({
  wallets: z.array(WalletWithVenue),
  next_cursor: NextCursor,
  operator_wallet: z.string().nullable().openapi({ description: 'The operator wallet\'s public address (lower-case): a strategy '
    + 'may launch with it as wallet_address besides your linked wallets; null when this server has none (a simulated venue)' }),
}).openapi('WalletPage');
