// @backend-independent
/**
 * The real `tandem` CLI as a child process, compiled as `npm start` runs it (dist/cli/main.js, built by vitest's global
 * setup; `--help` also from the TypeScript sources through tsx, as bin/tandem.mjs runs them before a build): `start` on a fresh PGlite DATA_DIR (demo strategies and the
 * operator token), the data-directory lock, clean shutdown on SIGTERM and SIGINT, a restart on the same
 * directory, and the help, unknown-command and bad-configuration exits
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledCli } from '../support/compiled.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = compiledCli();
/** The sources through tsx: what bin/tandem.mjs runs when dist/ is not a build of them */
const TSX_CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const READY = /Tandem is running at (http:\/\/127\.0\.0\.1:(\d+)\/)/;
const START_MS = 180_000; // a bound, not a guess: a first start on an empty directory copies the build's PGlite cluster (or runs initdb), slow on a loaded 2-core machine
const STOP_MS = 20_000;

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has exited */
  exited: Promise<number | string>;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
  dirs.push(dir);
  return dir;
}

function run(args: string[], env: Record<string, string>, cli = CLI): Proc {
  const child = spawn(process.execPath, [...cli, ...args], {
    cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { err += s; });
  const exited = new Promise<number | string>((done) => {
    child.once('close', (code, signal) => done(code ?? signal ?? 'unknown'));
  });
  return { child, out: () => out, err: () => err, exited };
}

const startEnv = (dir: string) => ({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', SEED_DEMO: 'true' });

/** Polls `test` until it is true, failing with `what` (and the process output) after `ms` */
async function waitFor(p: Proc, test: () => boolean, what: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nstdout:\n${p.out()}\nstderr:\n${p.err()}`);
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      if (test()) return;
      throw new Error(`process exited (${p.child.exitCode ?? p.child.signalCode}) before ${what}\n`
        + `stdout:\n${p.out()}\nstderr:\n${p.err()}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function startServer(dir: string): Promise<{ p: Proc; url: string }> {
  const p = run(['start'], startEnv(dir));
  await waitFor(p, () => READY.test(p.out()), 'the "Tandem is running" line', START_MS);
  return { p, url: READY.exec(p.out())![1]! };
}

async function exitWithin(p: Proc, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no exit within ${ms} ms\nstdout:\n${p.out()}\nstderr:\n${p.err()}`)), ms);
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function walletCount(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}api/ft/wallets`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { wallets: { wallet_id: string }[] };
  return body.wallets.length;
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('tandem start (child process, PGlite in DATA_DIR)', () => {
  const dir = freshDir();
  let first: { p: Proc; url: string };
  let token = '';

  it('comes up on an OS-chosen port and answers /api/health on PGlite', async () => {
    first = await startServer(dir);
    expect(first.p.out()).toMatch(/\(database: pglite, role: all\)/);
    expect(first.url).not.toMatch(/:0\/$/);
    const res = await fetch(`${first.url}api/health`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as { status: string; database: { kind: string; version: string } };
    expect(health.status).toBe('ok');
    expect(health.database.kind).toBe('pglite');
    expect(health.database.version).not.toBe('');
  }, START_MS + 10_000);

  it('writes the operator token to DATA_DIR/operator.token, mode 0600, and it lists the 86 demo strategies', async () => {
    const file = join(dir, 'operator.token');
    expect(first.p.out()).toContain(`Sign in with the operator token in ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^tdm_\S+$/);
    expect(first.p.out()).not.toContain(token); // the token is never printed or logged
    expect(await walletCount(first.url, token)).toBe(86);
    const refused = await fetch(`${first.url}api/ft/wallets`, { headers: { authorization: 'Bearer tdm_wrong' } });
    expect(refused.status).toBe(401);
  });

  it('refuses a second process on the same DATA_DIR: non-zero exit, "in use by process <pid>"', async () => {
    const second = run(['start'], startEnv(dir));
    const code = await exitWithin(second, START_MS);
    expect(code).not.toBe(0);
    expect(second.err()).toContain(`in use by process ${first.p.child.pid}`);
    expect(second.out()).not.toMatch(READY);
    // the first one is unharmed
    expect((await fetch(`${first.url}api/health`)).status).toBe(200);
  }, START_MS + 10_000);

  it('stops on SIGTERM: prints "stopped", exits 0 and releases the lock', async () => {
    first.p.child.kill('SIGTERM');
    expect(await exitWithin(first.p, STOP_MS)).toBe(0);
    expect(first.p.out()).toMatch(/SIGTERM: stopping\s*\n(?:.*\n)*stopped\s*$/);
    expect(existsSync(join(dir, 'tandem.lock'))).toBe(false);
    await expect(fetch(`${first.url}api/health`)).rejects.toThrow();
  }, STOP_MS + 5_000);

  it('starts again on the same DATA_DIR without re-seeding or a new token, and stops on SIGINT', async () => {
    const again = await startServer(dir);
    const logged = again.p.out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.msg === 'database ready')).toMatchObject({ kind: 'pglite', applied: [] });
    expect(logged.some((l) => l.msg === 'demo strategies loaded')).toBe(false);
    expect(again.p.out()).not.toContain('Sign in with the operator token');
    expect(readFileSync(join(dir, 'operator.token'), 'utf8').trim()).toBe(token);
    expect(await walletCount(again.url, token)).toBe(86);
    again.p.child.kill('SIGINT');
    expect(await exitWithin(again.p, STOP_MS)).toBe(0);
    expect(again.p.out()).toMatch(/SIGINT: stopping\s*\n(?:.*\n)*stopped\s*$/);
    expect(existsSync(join(dir, 'tandem.lock'))).toBe(false);
  }, START_MS + STOP_MS + 10_000);

  it('a second signal while stopping exits at once (130), never a second stop, and the next start takes the lock', async () => {
    const third = await startServer(dir);
    third.p.child.kill('SIGINT');
    await waitFor(third.p, () => /SIGINT: stopping/.test(third.p.out()), 'the "stopping" line', START_MS);
    third.p.child.kill('SIGTERM'); // may come after the graceful stop ended: then it exits 0 as above
    const code = await exitWithin(third.p, STOP_MS);
    expect(code === 130 ? /SIGTERM again: exiting now/.test(third.p.out()) : code).toBe(code === 130 ? true : 0);
    expect(third.p.err()).not.toMatch(/stop failed|closed/i);
    const fourth = await startServer(dir); // a lock left by the forced exit is stale: its process is gone
    fourth.p.child.kill('SIGTERM');
    expect(await exitWithin(fourth.p, STOP_MS)).toBe(0);
  }, 2 * START_MS + 2 * STOP_MS + 10_000);
});

describe('tandem command line', () => {
  const env = () => ({ DATA_DIR: freshDir(), DATABASE_URL: '' });

  it.each([['compiled', CLI], ['from the sources through tsx', TSX_CLI]])('--help exits 0 and lists the commands (%s)', async (_, cli) => {
    const p = run(['--help'], env(), cli);
    expect(await exitWithin(p, START_MS)).toBe(0);
    expect(p.out()).toMatch(/^Usage: tandem <command>/);
    for (const name of ['start', 'migrate', 'user', 'ingest', 'resolve']) expect(p.out()).toMatch(new RegExp(`^  ${name} `, 'm'));
  }, START_MS + 5_000);

  it('ingest --help exits 0 and describes --trades', async () => {
    const p = run(['ingest', '--help'], env());
    expect(await exitWithin(p, START_MS)).toBe(0);
    expect(p.out()).toContain('Usage: tandem ingest --trades FILE');
    expect(p.out()).toContain('--markets');
  }, START_MS + 5_000);

  it('an unknown command exits 2 with the usage on stderr', async () => {
    const p = run(['frobnicate'], env());
    expect(await exitWithin(p, START_MS)).toBe(2);
    expect(p.err()).toContain('unknown command "frobnicate"');
    expect(p.err()).toContain('Usage: tandem');
  }, START_MS + 5_000);

  it('start with PORT=abc exits 1 naming PORT, without creating anything', async () => {
    const e = { ...startEnv(freshDir()), PORT: 'abc' };
    const p = run(['start'], e);
    expect(await exitWithin(p, START_MS)).toBe(1);
    expect(p.err()).toMatch(/invalid configuration:[\s\S]*PORT/);
    expect(p.out()).not.toMatch(READY);
    expect(existsSync(join(e.DATA_DIR, 'operator.token'))).toBe(false);
  }, START_MS + 5_000);
});
