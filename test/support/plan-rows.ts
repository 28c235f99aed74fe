/**
 * How many rows a statement's plan visits in given tables, as the service runs it: prepared, with the generic plan a
 * named statement settles on (both backends use named statements), under EXPLAIN ANALYZE. A count of work, not of
 * time, so a test of how a read scales does not depend on the machine's speed
 */
import type { Db } from '../../src/store/db.ts';

type PlanNode = { 'Node Type'?: string; 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number; Plans?: PlanNode[] };

/** A parameter as an SQL literal (test values only: text, numbers, null) */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

function visit(node: PlanNode, tables: readonly string[], into: Record<string, number>): void {
  const table = node['Relation Name'];
  if (table !== undefined && tables.includes(table)) {
    const perLoop = (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    into[table] = (into[table] ?? 0) + perLoop * (node['Actual Loops'] ?? 1);
  }
  for (const child of node.Plans ?? []) visit(child, tables, into);
}

/**
 * The generic plan of `text` with `params` as a named statement settles on it, under `settings` (the statement's own
 * SET LOCAL statements, e.g. PAGE_SETTINGS); with `analyze`, as run (EXPLAIN ANALYZE)
 */
async function genericPlan(db: Db, text: string, params: readonly unknown[], options: { analyze: boolean; settings?: readonly { text: string }[] }): Promise<PlanNode> {
  return db.transaction(async (tx) => {
    for (const setting of options.settings ?? []) await tx.exec(setting.text);
    await tx.exec(`PREPARE plan_rows_probe AS ${text}`);
    try {
      await tx.exec('SET LOCAL plan_cache_mode = force_generic_plan');
      const [row] = await tx.query<Record<string, unknown>>(
        `EXPLAIN (${options.analyze ? 'ANALYZE, ' : ''}FORMAT JSON) EXECUTE plan_rows_probe(${params.map(literal).join(', ')})`);
      const raw = Object.values(row!)[0];
      return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
    } finally {
      // After a failed EXPLAIN the transaction is aborted and DEALLOCATE fails too: the rollback's error must not hide
      // the EXPLAIN's (PREPARE is not transactional, so on success the name is freed here for the connection's next use)
      await tx.exec('DEALLOCATE plan_rows_probe').catch(() => undefined);
    }
  });
}

/** Rows of each of `tables` that `text` with `params` reads (returned or filtered out), with its generic plan */
export async function rowsVisited(db: Db, text: string, params: readonly unknown[], tables: readonly string[],
  settings: readonly { text: string }[] = []): Promise<Record<string, number>> {
  const out: Record<string, number> = Object.fromEntries(tables.map((t) => [t, 0]));
  visit(await genericPlan(db, text, params, { analyze: true, settings }), tables, out);
  return out;
}

/** The tables the generic plan of `text` reads by sequential scan (planned only, not run), under `settings` */
export async function seqScannedTables(db: Db, text: string, params: readonly unknown[],
  settings: readonly { text: string }[] = []): Promise<string[]> {
  const found: string[] = [];
  const walk = (node: PlanNode): void => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== undefined) found.push(node['Relation Name']);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(await genericPlan(db, text, params, { analyze: false, settings }));
  return found.sort();
}
