/** `tandem soak`: a bounded run of the demo world read through its API at a steady rate; RSS growth against its bound */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SOAK_DEFAULTS, warmupSeconds } from '../bench/soak-defaults.ts';
import type { Command } from './command.ts';

const DEFAULT_OUT = 'tmp/soak-results.json';

const positive = (v: unknown, fallback: number): number | null => {
  if (v === undefined) return fallback;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
};

export const soak: Command = {
  summary: 'Run the demo world under steady API reads for a bounded time; sample throughput, latency and RSS',
  usage: '[--minutes N] [--rate N] [--sample-seconds N] [--growth-mb N] [--ceiling-mb N] [--out FILE]',
  help: [
    '--minutes     how long to read and sample (default 10; fractions allowed, e.g. 0.5)',
    `--rate        API reads per second, one in flight at a time (default ${SOAK_DEFAULTS.readsPerSecond})`,
    `--sample-seconds  how often RSS and the counters are sampled (default ${SOAK_DEFAULTS.sampleSeconds})`,
    `--growth-mb   RSS growth allowed from the end of warm-up to the end (default ${SOAK_DEFAULTS.bound.growthMb})`,
    `--ceiling-mb  RSS no sample may exceed (default ${SOAK_DEFAULTS.bound.ceilingMb})`,
    `--out         where to write the JSON results (default ${DEFAULT_OUT})`,
    'Starts `tandem start` (PGlite on a fresh DATA_DIR, simulated world and venue) as a child, launches live strategies,',
    'reads the dashboard endpoints in turn and samples the child\'s RSS and the source trades, FT and LT orders every',
    '--sample-seconds. Warm-up is the first fifth of the run (at most 2 minutes). Progress on stderr. Exit code 1 when',
    'a bound is broken (or the service died, or reads failed), 0 otherwise. See docs/soak.md.',
  ].join('\n'),
  options: { minutes: { type: 'string' }, rate: { type: 'string' }, 'sample-seconds': { type: 'string' }, 'growth-mb': { type: 'string' },
    'ceiling-mb': { type: 'string' }, out: { type: 'string' } },
  run: async ({ values }) => {
    const minutes = positive(values.minutes, 10);
    const rate = positive(values.rate, SOAK_DEFAULTS.readsPerSecond);
    const sampleSeconds = positive(values['sample-seconds'], SOAK_DEFAULTS.sampleSeconds);
    const growthMb = positive(values['growth-mb'], SOAK_DEFAULTS.bound.growthMb);
    const ceilingMb = positive(values['ceiling-mb'], SOAK_DEFAULTS.bound.ceilingMb);
    if (minutes === null || rate === null || sampleSeconds === null || growthMb === null || ceilingMb === null) {
      console.error('tandem soak: --minutes, --rate, --sample-seconds, --growth-mb and --ceiling-mb take positive numbers (see --help)');
      return 2;
    }
    const out = typeof values.out === 'string' ? values.out : DEFAULT_OUT;
    const progress = (text: string) => console.error(`soak: ${text}`);
    progress(`${minutes} min, ${rate} reads/s, a sample every ${sampleSeconds} s, warm-up ${warmupSeconds(minutes)} s, bound +${growthMb} MB, ceiling ${ceilingMb} MB`);
    const { runSoak } = await import('../bench/soak.ts');
    const report = await runSoak({ ...SOAK_DEFAULTS, minutes, readsPerSecond: rate, sampleSeconds, bound: { growthMb, ceilingMb }, progress });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    const t = report.throughput_per_minute;
    console.log(`soak ${report.ok ? 'passed' : 'FAILED'}: ${report.reads.total} reads (${report.reads.errors} errors), `
      + `RSS ${report.rss.at_warmup_end_mb} -> ${report.rss.at_end_mb} MB (growth ${report.rss.growth_mb}, bound ${growthMb}; max `
      + `${report.rss.max_mb}, ceiling ${ceilingMb}); per minute: ${t.source_trades} source trades, ${t.ft_orders} FT orders, `
      + `${t.lt_orders} LT orders; results in ${out}`);
    for (const b of report.broken) console.log(`broken: ${b}`);
    return report.ok ? 0 : 1;
  },
};
