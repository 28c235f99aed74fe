// @backend-independent
/** `tandem user add NAME [--operator]`: prints the new user's token once; --operator makes an operator, else a plain user */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { silentLog } from '../log.ts';
import { openDb } from '../store/db.ts';
import { userByToken } from '../store/user-store.ts';
import { COMMANDS } from './commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-user-cli-'));
const config = loadConfig({ DATA_DIR: dir });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `tandem user ...positionals` in-process; returns the exit code and what it printed */
async function user(positionals: string[], values: Record<string, boolean> = {}) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return { code: await COMMANDS.user!.run({ values, positionals, config, log: silentLog }), out };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('tandem user', () => {
  it('adds a plain user, an operator with --operator, and keeps `create` as an alias', async () => {
    const plain = await user(['add', 'alice']);
    const ops = await user(['add', 'ops'], { operator: true });
    const old = await user(['create', 'carol']);
    expect([plain.code, ops.code, old.code]).toEqual([0, 0, 0]);
    expect(await user(['add', 'bad name'])).toMatchObject({ code: 2, out: [] });
    expect(await user(['remove', 'alice'])).toMatchObject({ code: 2, out: [] });
    const db = await openDb({ dataDir: dir });
    try {
      const roles = await Promise.all([plain, ops, old].map(async (r) => {
        expect(r.out).toHaveLength(1);
        const u = await userByToken(db, r.out[0]!);
        return [u?.name, u?.role];
      }));
      expect(roles).toEqual([['alice', 'user'], ['ops', 'operator'], ['carol', 'user']]);
    } finally {
      await db.close();
    }
  }, 300_000); // each command opens the embedded database afresh (five opens on a loaded machine)
});
