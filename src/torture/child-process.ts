/** A torture child (src/torture/child.ts) seen from the runner: its JSON events, awaited by condition, and its death */
import { spawn, type ChildProcess } from 'node:child_process';
import { childArgs } from '../child-entry.ts';
import { TEST_ONLY_GATE } from './schedule.ts';

export type ChildEvent = Record<string, unknown> & { step: string };
export type Outcome = { kind: 'event'; event: ChildEvent } | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null };

export interface TortureChild {
  readonly events: ChildEvent[];
  stderrTail(): string;
  /** The next event matching `pred` (from now on), or the process's death; a hang past `boundMs` kills it */
  next(pred: (e: ChildEvent) => boolean, boundMs: number): Promise<Outcome>;
  send(message: unknown): void;
  kill(): void;
  /** Ends stdin and waits for the exit */
  finish(): Promise<Outcome>;
}

export interface ChildEnv {
  simUrl: string;
  privateKey: string;
  databaseUrl: string | null;
  dataDir: string | null;
}

export function spawnTortureChild(cfg: ChildEnv): TortureChild {
  const env = { ...process.env, [TEST_ONLY_GATE]: '1', TORTURE_SIM_URL: cfg.simUrl, TORTURE_PRIVATE_KEY: cfg.privateKey,
    TORTURE_DATABASE_URL: cfg.databaseUrl ?? '', TORTURE_DATA_DIR: cfg.dataDir ?? '' };
  const proc: ChildProcess = spawn(process.execPath, childArgs(import.meta.url, './child.ts'), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const events: ChildEvent[] = [];
  const waiters = new Set<(o: Outcome) => boolean>();
  let exit: Outcome | null = null;
  let buf = '';
  let stderr = '';
  const offer = (o: Outcome): void => {
    for (const w of [...waiters]) if (w(o)) waiters.delete(w);
  };
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as ChildEvent;
      events.push(event);
      offer({ kind: 'event', event });
    }
  });
  proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  proc.stdin!.on('error', () => {}); // writing to a child that just died
  proc.on('close', (code, signal) => {
    exit = { kind: 'exit', code, signal };
    offer(exit);
  });
  const next = (pred: (e: ChildEvent) => boolean, boundMs: number): Promise<Outcome> => new Promise((done) => {
    if (exit) return done(exit);
    const timer = setTimeout(() => {
      stderr += `\n[torture] no progress within ${boundMs} ms: killed`;
      proc.kill('SIGKILL');
    }, boundMs);
    waiters.add((o) => {
      if (o.kind === 'event' && !pred(o.event)) return false;
      clearTimeout(timer);
      done(o);
      return true;
    });
  });
  return {
    events,
    stderrTail: () => stderr,
    next,
    send: (message) => { proc.stdin!.write(`${JSON.stringify(message)}\n`); },
    kill: () => { proc.kill('SIGKILL'); },
    finish: () => {
      proc.stdin!.end();
      return next(() => false, 120_000);
    },
  };
}
