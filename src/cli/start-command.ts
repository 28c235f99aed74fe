/** `tandem start`: the service itself (src/main.ts) is imported when it runs, once the options are known to be good */
import { parseRole, type Role } from '../jobs/roles.ts';
import type { Command } from './command.ts';

export const start: Command = {
  summary: 'Run Tandem: API, dashboard, scheduler and feeds (stops on Ctrl-C or SIGTERM)',
  usage: '[--role api|worker|all]',
  help: 'Listens on HOST:PORT (default 127.0.0.1:8080) and stores data in DATA_DIR (embedded PGlite) unless\nDATABASE_URL names a PostgreSQL server.'
    + '\n--role api serves the API and dashboard and runs no jobs; --role worker runs the jobs (its share of the live\n'
    + 'strategies, by lease) and serves no HTTP; --role all (the default) does both. Several processes share one PostgreSQL.'
    + '\nTANDEM_TEST_CRASH_INJECTION is test-only: `tandem start` never injects crashes (it passes no hooks); only the child\n'
    + 'process of `tandem torture` reads it, and refuses to run without it.',
  options: { role: { type: 'string' } },
  run: async ({ config, log, values }) => {
    let role: Role;
    try {
      role = parseRole(values.role);
    } catch (error) {
      console.error(`tandem start: ${(error as Error).message}`);
      return 2;
    }
    const { startTandem } = await import('../main.ts');
    const tandem = await startTandem(config, log, undefined, { role });
    const stopped = stopOnSignals(tandem);
    if (tandem.url) console.log(`Tandem is running at ${tandem.url}  (database: ${tandem.db.kind}, role: ${role})`);
    else console.log(`Tandem worker ${tandem.workerId} is running  (database: ${tandem.db.kind}, role: ${role})`);
    if (tandem.operatorTokenFile) console.log(`Sign in with the operator token in ${tandem.operatorTokenFile}`);
    await stopped;
    console.log('stopped');
    return 0;
  },
};

/**
 * Resolves once Tandem has stopped on SIGINT or SIGTERM. Installed before the ready line is printed, so a signal sent on
 * seeing it is never met by the default action. The first signal stops gracefully (the jobs under way drain); a second
 * one while that runs exits at once, as a crash would (recovery settles what was in flight on the next start), rather
 * than closing the database twice
 */
function stopOnSignals(tandem: { stop(): Promise<void> }): Promise<void> {
  return new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        console.log(`${signal} again: exiting now without waiting for the jobs under way`);
        process.exit(130);
      }
      stopping = true;
      console.log(`${signal}: stopping`);
      console.log('(a second signal exits at once)');
      tandem.stop().then(done, (error: unknown) => {
        console.error('stop failed:', error);
        done();
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}
