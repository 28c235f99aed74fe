/**
 * Fault: the disk of the embedded database (PGlite) fills up (issue 12, docs/reliability.md). The data directory is
 * on a small tmpfs of its own (a real filesystem that answers ENOSPC, not a mock), filled with a filler file after
 * the world is set up, and emptied again. What must hold: an intent that cannot be stored is not sent (nothing
 * half-written: no order row, no reservation, no venue call), the error names the cause, nothing else is corrupted,
 * and once space is back the same signal is ordered exactly once, and the data directory opens again with it.
 * Needs root (mount); elsewhere, and on PostgreSQL, it is skipped with its reason
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { openPglite } from '../../src/store/db.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { TEST_DATABASE_URL } from '../support/test-db.ts';

/** Mounts a tmpfs of `size` at a new directory; null when this process may not mount (not root, no CAP_SYS_ADMIN) */
function mountTmpfs(size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

const probe = TEST_DATABASE_URL ? null : mountTmpfs('1m');
if (probe) unmount(probe);

/** Writes until the filesystem answers ENOSPC; returns the filler's path */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 4096, 512]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(probe === null)('embedded database: disk full (PGlite on a small tmpfs; needs root)', () => {
  let mnt: string | null = null;
  let w: LtWorld | null = null;
  afterEach(async () => {
    await w?.close().catch(() => undefined);
    w = null;
    if (mnt) unmount(mnt);
    mnt = null;
  });

  it('an intent that cannot be written is not sent; once space is back the signal is ordered once and survives a reopen', async () => {
    mnt = mountTmpfs('96m');
    const dataDir = join(mnt!, 'data');
    w = await createLtWorld({ pgliteDataDir: dataDir });
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    const filler = fill(mnt!);
    const full = await executeLt(w.deps);
    // The first order, disposition and fact rows need new pages: the intent's transaction fails and rolls back
    expect(full.ordered).toBe(0);
    expect(full.errors).toEqual([expect.objectContaining({ error: expect.stringContaining('No space left on device') })]);
    expect(w.probe.submits).toBe(0);
    expect(await w.orders()).toEqual([]);
    expect(await w.dispositions()).toEqual([]); // undecided: tried again next run
    // The balances only: the full ledger check also reads the comparison, whose read models are written as they are
    // brought up to date, which a full disk refuses (docs/reliability.md); it runs once space is back
    expect(await balancesOf(w.ft.t.db, w.userId, w.strategyId, 'live')).toMatchObject({ available: usdc('1000'), reserved: 0n });
    rmSync(filler);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
    const back = await executeLt(w.deps);
    expect(back).toMatchObject({ ordered: 1, errors: [] });
    expect(w.probe.submits).toBe(1);
    expect((await w.orders()).map((o) => o.status)).toEqual(['filled']);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
    await w.close();
    w = null;
    const reopened = await openPglite(dataDir);
    try {
      expect(await reopened.query(`SELECT status FROM orders`)).toEqual([{ status: 'filled' }]);
    } finally {
      await reopened.close();
    }
  }, 180_000);
});
