/** `tandem replay`: recorded trades and markets through the pipeline on a simulated clock, into a JSON report */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { FtWalletInput } from '../domain/ft-wallet.ts';
import type { BookItem } from '../replay/books.ts';
import type { ReplayStrategy } from '../replay/replay.ts';
import { DEMO_STRATEGIES } from '../store/demo-strategies.ts';
import { DEFAULT_LATENCY_MS } from '../replay/latency.ts';
import type { Command } from './command.ts';

const StrategyFile = z.array(z.record(z.string(), z.unknown())).min(1, 'at least one strategy');

/** Splits each entry into its ft_wallets fields (validated) and its optional `lt` object */
export function parseStrategies(json: unknown): ReplayStrategy[] {
  return StrategyFile.parse(json).map((entry, i) => {
    const { lt, ...ft } = entry;
    const checked = FtWalletInput.safeParse(ft);
    if (!checked.success) {
      throw new Error(`strategy ${i}: ${checked.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    }
    if (lt !== undefined && (typeof lt !== 'object' || lt === null)) throw new Error(`strategy ${i}: lt must be an object`);
    return { ft: ft as ReplayStrategy['ft'], lt: (lt as Record<string, unknown> | undefined) ?? null };
  });
}

export const replay: Command = {
  summary: 'Replay recorded trades and markets through the pipeline and write a JSON report',
  usage: '--trades FILE --markets FILE [--books DIR] [--strategies FILE] [--seed N] [--latency-ms MS] --out REPORT',
  help: [
    '--trades      JSONL of Data API /trades records, exactly as Polymarket returns them',
    '--markets     Gamma market objects (JSON array or JSONL); a closed market resolves at its closedTime (or endDate)',
    '--books       directory of recorded CLOB GET /book responses or WebSocket "book" messages (JSON object, array',
    '              or JSONL per file). A token with snapshots is quoted from its latest snapshot at or before the',
    '              replay clock (re-quoted when it trades and when a new snapshot becomes current, even untraded);',
    '              levels below the market minimum size are raised to it. Bad snapshots are counted by reason',
    '              (book_bad_json, book_missing_field, book_bad_price, book_unknown_token, …) in input.rejected,',
    '              accepted ones in input.books (see src/replay/books.ts)',
    '              LT orders go to a simulated exchange; for a token without snapshots (or before its first one) a',
    '              seeded market maker quotes the book after each trade: the touch at the trade price on its side, the',
    '              spread and 3 levels of depth a side drawn from a fit of recorded Polymarket books (src/replay/book-model.ts)',
    '--strategies  JSON array of strategies (ft_wallets fields, plus an optional "lt" object of lt_strategies fields:',
    '              starting_capital required, wallet_address defaults to 0x00…01); default: the demo strategies',
    '--seed        seed for everything random in the run (default 1)',
    `--latency-ms  LT: the detection + submit latency; each signal is decided at its trade's time + this (default`,
    `              ${DEFAULT_LATENCY_MS}, the live path's measured median trader fill → submit; see src/replay/latency.ts)`,
    '--out         where to write the report (JSON)',
    'The run uses a fresh in-memory database; it never touches DATA_DIR or DATABASE_URL.',
  ].join('\n'),
  options: { trades: { type: 'string' }, markets: { type: 'string' }, strategies: { type: 'string' },
    seed: { type: 'string' }, out: { type: 'string' }, books: { type: 'string' }, 'latency-ms': { type: 'string' } },
  run: async ({ values, config }) => {
    const need = ['trades', 'markets', 'out'].filter((k) => typeof values[k] !== 'string');
    if (need.length > 0) {
      console.error(`tandem replay: missing ${need.map((k) => `--${k}`).join(', ')} (see --help)`);
      return 2;
    }
    const books = await loadBooksOption(values.books);
    if (books === null) return 2;
    const seed = Number(values.seed ?? '1');
    if (!Number.isInteger(seed) || seed < 0) {
      console.error('tandem replay: --seed must be a non-negative integer');
      return 2;
    }
    const latencyText = String(values['latency-ms'] ?? DEFAULT_LATENCY_MS);
    const latencyMs = /^\d+$/.test(latencyText) ? Number(latencyText) : Number.NaN;
    if (!Number.isSafeInteger(latencyMs) || latencyMs < 0) {
      console.error('tandem replay: --latency-ms must be a whole number of milliseconds ≥ 0');
      return 2;
    }
    const strategies = values.strategies
      ? parseStrategies(JSON.parse(readFileSync(values.strategies as string, 'utf8')))
      : DEMO_STRATEGIES.map((ft) => ({ ft, lt: null }));
    const [{ readJsonItems, loadGammaMarketsFile }, { scorerFor }, { runReplay }, { openPglite }, { migrate }] = await Promise.all([
      import('../feeds/file-sources.ts'), import('../main.ts'), import('../replay/replay.ts'), import('../store/db.ts'),
      import('../store/migrate.ts')]);
    const records = (await readJsonItems(values.trades as string)).map((i) => i.value);
    const markets = await loadGammaMarketsFile(values.markets as string);
    if (markets.errors.length > 0) console.error(`markets: ${markets.errors.length} refused (first: ${markets.errors[0]})`);
    const db = await openPglite('memory://');
    try {
      await migrate(db);
      let shown = 0;
      const started = performance.now();
      const report = await runReplay(db, {
        records, markets: markets.markets, strategies, seed, scorer: scorerFor(config), books, latencyMs,
        onProgress: (done, total) => {
          const pct = Math.floor((done / total) * 10) * 10;
          if (pct > shown || done === total) {
            const s = (performance.now() - started) / 1000;
            console.error(`replay: ${done}/${total} trades (${(shown = pct)}%), ${s.toFixed(1)} s, ${Math.round(done / Math.max(s, 0.001))} trades/s`);
          }
        },
      });
      writeFileSync(values.out as string, `${JSON.stringify(report, null, 2)}\n`);
      const failed = Object.entries(report.invariants).filter(([, v]) => !v.ok).map(([k]) => k);
      const booksText = values.books === undefined ? '' : `${report.input.books} book snapshots, `;
      const x = report.lt_execution;
      if (x) {
        console.log(`LT: ${x.signals} signals at ${x.latency_ms} ms latency: ${x.ordered_pct} % ordered, ${x.skipped_pct} % skipped ` +
          `${JSON.stringify(x.skipped_by_reason_pct)}, ${x.expired_pct} % expired`);
      }
      console.log(`report written to ${values.out}: ${report.strategies.length} strategies, ${booksText}` +
        `${failed.length === 0 ? 'every invariant holds' : `invariants FAILED: ${failed.join(', ')}`}`);
      return failed.length === 0 ? 0 : 1;
    } finally {
      await db.close();
    }
  },
};

/** `--books DIR`: the directory's items, [] without the option, null (after saying why) when DIR is no directory */
async function loadBooksOption(dir: unknown): Promise<BookItem[] | null> {
  if (dir === undefined) return [];
  let isDir = false;
  try {
    isDir = typeof dir === 'string' && statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    console.error(`tandem replay: --books ${String(dir)} is not a directory`);
    return null;
  }
  const items = await (await import('../replay/books.ts')).readBookDir(dir as string);
  console.error(`books: ${items.length} items read from ${String(dir)}`);
  return items;
}
