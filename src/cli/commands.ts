/**
 * The CLI's commands: each parses its options, calls one engine or store function, and prints the result. What a
 * command runs is imported when it runs (`await import`), so the command list, --help and a bad option load no engine,
 * database or venue (test/architecture/cli-light.test.ts)
 */
import type { Config } from '../config.ts';
import type { MarketSource } from '../engine/ports.ts';
import type { Db } from '../store/db.ts';
import type { MigrationResult } from '../store/migrate.ts';
import { simulate } from './simulate-command.ts';
import { start } from './start-command.ts';
import { bench } from './bench-command.ts';
import { soak } from './soak-command.ts';
import { replay } from './replay-command.ts';
import { rehearseCommand } from './rehearse-command.ts';
import { reconcileCommand } from './reconcile-command.ts';
import { walletCliCommand } from './wallet-command.ts';
import { torture } from './torture-command.ts';
import type { Command, CommandContext } from './command.ts';

export type { Command, CommandContext } from './command.ts';

/** Opens the configured database, brings its schema up to date, runs `fn`, and closes it */
async function withDb<T>(config: Config, fn: (db: Db, migrated: MigrationResult) => Promise<T>): Promise<T> {
  const [{ openDb }, { migrate }] = await Promise.all([import('../store/db.ts'), import('../store/migrate.ts')]);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, ca: config.databaseCa });
  try {
    return await fn(db, await migrate(db));
  } finally {
    await db.close();
  }
}

const migrateCommand: Command = {
  summary: 'Apply database migrations and exit',
  usage: '',
  help: 'Applies every migration in src/store/migrations not yet applied, each in its own transaction.',
  options: {},
  run: async ({ config }) => withDb(config, async (_db, result) => {
    console.log(result.applied.length > 0 ? `applied: ${result.applied.join(', ')}` : 'up to date');
    return 0;
  }),
};

const user: Command = {
  summary: 'Create a user and print its API token (shown once); --operator makes it an operator',
  usage: 'add NAME [--operator]',
  help: 'Examples: tandem user add alice; tandem user add ops --operator (`create` is the same as `add`)\n'
    + 'A plain user sees and changes only their own strategies (and reads the catalogue); an operator also runs the\n'
    + 'global jobs (ft sync/resolve, lt execute/resolve), reads the system-wide views and writes the catalogue.',
  options: { operator: { type: 'boolean' } },
  run: async ({ config, positionals, values }) => {
    const [verb, name] = positionals;
    if ((verb !== 'add' && verb !== 'create') || !name || !/^[\w.-]{1,64}$/.test(name)) {
      console.error('usage: tandem user add NAME [--operator]   (letters, digits, . _ -)');
      return 2;
    }
    const { createUser } = await import('../store/user-store.ts');
    const { token } = await withDb(config, (db) => createUser(db, name, values.operator === true ? 'operator' : 'user'));
    console.log(token);
    return 0;
  },
};

async function marketSourceFor(config: Config, file: string | undefined): Promise<MarketSource> {
  if (!file) return (await import('../feeds/gamma-source.ts')).createGammaMarketSource({ baseUrl: config.gammaUrl });
  const { createStaticMarketSource, loadGammaMarketsFile } = await import('../feeds/file-sources.ts');
  const loaded = await loadGammaMarketsFile(file);
  if (loaded.errors.length > 0) console.error(`markets file: ${loaded.errors.length} entries refused`);
  return createStaticMarketSource(loaded.markets);
}

const ingest: Command = {
  summary: 'Evaluate recorded Data API trades (JSONL) with the FT strategies, once',
  usage: '--trades FILE [--markets FILE]',
  help: '--trades   JSONL (or JSON array) of Data API /trades records\n--markets  Gamma market objects (JSON array or JSONL); without it, markets are read from GAMMA_URL',
  options: { trades: { type: 'string' }, markets: { type: 'string' } },
  run: async ({ config, values }) => {
    if (typeof values.trades !== 'string') {
      console.error('tandem ingest: --trades FILE is required');
      return 2;
    }
    const [{ createFileTradeSource }, { ingestTrades }, { scorerFor }, { systemClock }] = await Promise.all([
      import('../feeds/file-sources.ts'), import('../engine/ft-engine.ts'), import('../main.ts'), import('../engine/clock.ts')]);
    const markets = await marketSourceFor(config, values.markets as string | undefined);
    const fetched = await createFileTradeSource(values.trades).fetchTrades([]);
    if (fetched.errors.length > 0) console.error(fetched.errors.map((e) => e.error).join('\n'));
    const report = await withDb(config, async (db) => {
      const deps = { db, markets, scorer: scorerFor(config), clock: systemClock };
      return ingestTrades(deps, fetched, `file:${values.trades}`);
    });
    console.log(JSON.stringify(report, null, 2));
    return 0;
  },
};

const resolve: Command = {
  summary: 'Settle open FT orders on markets that are final, once',
  usage: '[--markets FILE]',
  help: '--markets  Gamma market objects to resolve from; without it, markets are read from GAMMA_URL',
  options: { markets: { type: 'string' } },
  run: async ({ config, values }) => {
    const [{ resolveFtMarkets }, { systemClock }] = await Promise.all([import('../engine/ft-resolve.ts'), import('../engine/clock.ts')]);
    const markets = await marketSourceFor(config, values.markets as string | undefined);
    const report = await withDb(config, (db) => resolveFtMarkets({ db, markets, clock: systemClock }));
    console.log(JSON.stringify(report, null, 2));
    return 0;
  },
};

const follow: Command = {
  summary: 'Add, remove or list traders to fetch besides the strategies\' targets',
  usage: 'add ADDRESS... | remove ADDRESS... | list',
  help: 'Followed traders are polled through the Data API /trades endpoint when FT_SOURCE=data-api;\nstrategies\' target traders are always polled (through /activity).',
  options: {},
  run: async ({ config, positionals }) => {
    const [verb, ...addresses] = positionals;
    const bad = addresses.filter((a) => !/^0x[0-9a-fA-F]{40}$/.test(a));
    if (!['add', 'remove', 'list'].includes(verb ?? '') || bad.length > 0 || (verb !== 'list' && addresses.length === 0)) {
      console.error(`usage: tandem follow ${follow.usage}${bad.length ? `\nnot an address: ${bad.join(', ')}` : ''}`);
      return 2;
    }
    const { addFollowed, followedTraders, removeFollowed } = await import('../store/trade-store.ts');
    const rows = await withDb(config, async (db) => {
      const list = addresses.map((a) => a.toLowerCase());
      if (verb === 'add') await addFollowed(db, list);
      if (verb === 'remove') await removeFollowed(db, list);
      return followedTraders(db);
    });
    for (const r of rows) console.log(`${r.address}  ${r.targeted ? 'target' : 'followed'}  newest trade ${r.since?.toISOString() ?? '-'}`);
    return 0;
  },
};

const ltCancelCommand: Command = {
  summary: 'Cancel a user\'s resting live orders at the venue (all, or one strategy\'s), audited',
  usage: '--user NAME [--strategy LT_ID]',
  help: 'Cancels at the venue configured by VENUE, re-reads fills, then releases what did not fill; journaled in\nlt_audit as cancel_open_orders. Exits 1 when an order could not be cancelled (the reasons are printed).\nWith VENUE=sim the orders rest in the running Tandem: use POST /api/lt/cancel-open-orders instead.',
  options: { user: { type: 'string' }, strategy: { type: 'string' } },
  run: async ({ config, values, log }) => {
    if (typeof values.user !== 'string') {
      console.error(`usage: tandem lt-cancel ${ltCancelCommand.usage}`);
      return 2;
    }
    const args = { user: values.user, ...(typeof values.strategy === 'string' ? { strategy: values.strategy } : {}) };
    const [{ ltCancel }, { venueFor, walletVenuesFor }, { createSecretBox }, { systemClock }] = await Promise.all([
      import('./lt-cancel-command.ts'), import('../main.ts'), import('../store/secret-box.ts'), import('../engine/clock.ts')]);
    const r = await withDb(config, async (db) => {
      const venue = await venueFor(config, systemClock, log, null);
      const secrets = config.secretKey ? createSecretBox(config.secretKey) : null;
      const venues = walletVenuesFor(config, { db, secrets, operator: venue, clock: systemClock, log, exchange: null });
      try {
        return await ltCancel({ db, venue, venues, clock: systemClock }, args);
      } finally {
        await venues.close();
        await venue.close();
      }
    });
    (r.code === 2 ? console.error : console.log)(r.out);
    return r.code;
  },
};

export const COMMANDS: Record<string, Command> = {
  start, migrate: migrateCommand, user, follow, ingest, resolve, 'lt-cancel': ltCancelCommand, rehearse: rehearseCommand,
  reconcile: reconcileCommand,
  wallet: walletCliCommand(withDb), replay, simulate, bench, soak, torture,
};
