/** Structured JSON logs, one line per event; values named like secrets are masked, never printed */
import type { Log } from './engine/ports.ts';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;
const SECRET = /(secret|passphrase|private|token|password|api_?key|authorization)/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET.test(k)) out[k] = '[redacted]';
    else if (v instanceof Error) out[k] = v.message;
    else if (typeof v === 'bigint') out[k] = v.toString();
    else out[k] = v;
  }
  return out;
}

export function createLog(level: Level, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Log {
  const min = LEVELS[level];
  const emit = (lvl: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[lvl] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...redact(fields) }));
  };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * A log whose every line carries `fields` besides its own (a signal's `trace_id`, say); the line's own fields win a
 * clash, and the bound fields are redacted like any other
 */
export function childLog(log: Log, fields: Record<string, unknown>): Log {
  const merged = (own?: Record<string, unknown>): Record<string, unknown> => ({ ...fields, ...own });
  return {
    info: (msg, own) => log.info(msg, merged(own)),
    warn: (msg, own) => log.warn(msg, merged(own)),
    error: (msg, own) => log.error(msg, merged(own)),
  };
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
