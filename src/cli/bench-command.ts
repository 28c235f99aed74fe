/** `tandem bench`: the PRODUCT §9 targets measured on this machine, into a JSON report and a table */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchResult } from '../bench/report.ts';
import type { Command } from './command.ts';

/** The benches, imported when the command runs or its help is asked for (src/cli/commands.ts) */
const benches = () => import('../bench/run-bench.ts');

const DEFAULT_OUT = 'tmp/bench-results.json';

export const bench: Command = {
  summary: 'Measure the performance targets (PRODUCT §9) and write machine-readable results',
  usage: '[--only NAME,...] [--quick] [--out FILE]',
  help: async () => [
    `--only  comma-separated measurements to run (default all): ${(await benches()).BENCHES.map((b) => b.spec.name).join(', ')}`,
    '--quick every measurement on a smaller input, the whole run in under 3 minutes: a check that the benches work',
    '        and a rough figure, not a verdict (the report says quick: true)',
    `--out   where to write the JSON results (default ${DEFAULT_OUT})`,
    'Progress goes to stderr, the table to stdout. A missed target is reported as failed, never tuned away; what',
    'is not measured is reported as skipped with the reason. dashboard_summary_p99_ms needs BENCH_DATABASE_URL, a',
    'PostgreSQL server on which the bench may create (and then drops) a scratch database. The JSON is rewritten after',
    'each measurement, so a crash keeps the results so far. Exit code 0 whatever the verdicts.',
  ].join('\n'),
  options: { only: { type: 'string' }, out: { type: 'string' }, quick: { type: 'boolean' } },
  run: async ({ values, config }) => {
    const { runBenches, unknownNames } = await benches();
    const only = typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : null;
    const unknown = only === null ? [] : unknownNames(only);
    if (unknown.length > 0) {
      console.error(`tandem bench: unknown measurement ${unknown.join(', ')} (see --help)`);
      return 2;
    }
    const [{ buildReport, formatTable, summaryLine }, { scorerFor }] = await Promise.all([import('../bench/report.ts'), import('../main.ts')]);
    const out = typeof values.out === 'string' ? values.out : DEFAULT_OUT;
    const at = new Date();
    const quick = values.quick === true;
    const write = (results: BenchResult[]) => {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(buildReport(results, at, quick), null, 2)}\n`);
    };
    write([]);
    // The bench's own setting, read here rather than in config.ts: the service never uses it
    const results = await runBenches(only, {
      scorer: scorerFor(config), benchDatabaseUrl: process.env.BENCH_DATABASE_URL || undefined,
      progress: (text) => console.error(`bench: ${text}`), quick,
    }, write);
    const report = buildReport(results, at, quick);
    write(results);
    console.log(formatTable(report));
    console.log(`\n${summaryLine(report)}; results written to ${out}`);
    return 0;
  },
};
