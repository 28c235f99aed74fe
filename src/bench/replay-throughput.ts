/**
 * `replay_throughput`: source trades per second of `runReplay` (FT only) with 50 demo strategies on a fresh in-memory
 * PGlite, over the Nobel trades. The database is migrated before the clock starts; the whole runReplay call is timed
 */
import type { Scorer } from '../engine/ports.ts';
import { runReplay } from '../replay/replay.ts';
import { openPglite } from '../store/db.ts';
import { DEMO_STRATEGIES } from '../store/demo-strategies.ts';
import { migrate } from '../store/migrate.ts';
import { loadNobelRecords, nobelMarkets } from './nobel-data.ts';
import { median, type BenchSpec, type Measured } from './report.ts';

export const REPLAY_SPEC: BenchSpec = { name: 'replay_throughput', unit: 'trades/s', target: 20_000, comparator: '>=' };

const STRATEGIES = 50;
const RUNS = 3;

async function migratedSnapshot(): Promise<Blob> {
  const db = await openPglite('memory://');
  try {
    await migrate(db);
    return await db.dump();
  } finally {
    await db.close();
  }
}

/** One replay on a fresh copy of the migrated database; returns its wall time in ms and whether every invariant held */
async function timedReplay(snapshot: Blob, records: Record<string, unknown>[], scorer: Scorer): Promise<{ ms: number; ok: boolean }> {
  const db = await openPglite('memory://', { loadDataDir: snapshot });
  try {
    await migrate(db);
    const strategies = DEMO_STRATEGIES.slice(0, STRATEGIES).map((ft) => ({ ft, lt: null }));
    const t0 = performance.now();
    const report = await runReplay(db, { records, markets: nobelMarkets(records), strategies, seed: 1, scorer });
    const ms = performance.now() - t0;
    return { ms, ok: Object.values(report.invariants).every((v) => v.ok) };
  } finally {
    await db.close();
  }
}

export async function measureReplay(scorer: Scorer, progress: (text: string) => void): Promise<Measured | string> {
  const records = loadNobelRecords();
  if (!records) return 'Nobel trades not found (../shared/data)';
  if (DEMO_STRATEGIES.length < STRATEGIES) return `only ${DEMO_STRATEGIES.length} demo strategies`;
  const snapshot = await migratedSnapshot();
  const runs: { ms: number; ok: boolean }[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await timedReplay(snapshot, records, scorer));
    progress(`replay_throughput: run ${i + 1}/${RUNS}: ${records.length} trades in ${Math.round(runs[i]!.ms)} ms`);
  }
  const rates = runs.map((r) => records.length / (r.ms / 1000));
  return {
    value: Math.round(median(rates)), samples: runs.length,
    detail: {
      trades: records.length, strategies: STRATEGIES, scorer: scorer.name, run_ms: runs.map((r) => Math.round(r.ms)),
      invariants_held: runs.every((r) => r.ok),
      note: 'median of runs; each on a fresh in-memory PGlite restored from a migrated snapshot; includes the report',
    },
  };
}
