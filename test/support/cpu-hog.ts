/**
 * A CPU hog beside a test file: one busy-looping child process per core, for the file's duration, so that the crash and
 * torture tests prove they hold on a loaded machine (issue 12). Each hog exits on its own when its parent is gone (it polls
 * the parent's pid inside its loop), so a killed test run leaves none behind. TANDEM_TEST_CPU_HOG=0 turns it off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

const HOG = `const parent = process.ppid;
for (let i = 1; ; i += 1) {
  if (i % 50000000 === 0) { try { process.kill(parent, 0); } catch { process.exit(0); } }
}`;

export interface CpuHog {
  readonly count: number;
  stop(): Promise<void>;
}

export function startCpuHog(count = availableParallelism()): CpuHog {
  if (process.env.TANDEM_TEST_CPU_HOG === '0') return { count: 0, stop: async () => {} };
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < count; i += 1) hogs.push(spawn(process.execPath, ['-e', HOG], { stdio: 'ignore' }));
  return {
    count,
    stop: async () => {
      await Promise.all(hogs.map((h) => new Promise<void>((done) => {
        if (h.exitCode !== null || h.signalCode !== null) return done();
        h.once('exit', () => done());
        h.kill('SIGKILL');
      })));
    },
  };
}
