/**
 * What a plain user sees of a job run's detail: only items about their own work. The runs' reports name every
 * user's strategies, orders, latencies and skips, and the global jobs count everyone's work; a plain user gets, per
 * job, the items that are theirs (their orders, their strategies' skips, latencies and errors; the skip counts of the
 * FT strategies they may read) and nothing else: no global counts, no system errors, nothing of a job this does not
 * know. An operator sees every detail as stored
 */
import type { Sql } from '../store/db.ts';
import { userOrderIdsAmong, type JobRunRow } from '../store/job-store.ts';
import { readableWalletIds } from '../store/wallet-store.ts';

type J = Record<string, unknown>;
const obj = (v: unknown): J | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as J) : null);
const items = (v: unknown): J[] => (Array.isArray(v) ? v.flatMap((x) => (obj(x) ? [x as J] : [])) : []);

interface Mine {
  userId: string;
  orders: Set<string>;
  wallets: Set<string>;
}

const ofOrder = (m: Mine) => (x: J) => typeof x.orderId === 'string' && m.orders.has(x.orderId);
const ofUser = (m: Mine) => (x: J) => x.userId === m.userId;

const execute = (v: unknown, m: Mine) => ({
  submissions: items(obj(v)?.submissions).filter(ofOrder(m)), latencies: items(obj(v)?.latencies).filter(ofUser(m)),
  skips: items(obj(v)?.skips).filter(ofUser(m)), errors: items(obj(v)?.errors).filter(ofUser(m)),
});
const orderItems = (v: unknown, m: Mine) => ({
  waiting: items(obj(v)?.waiting).filter(ofOrder(m)), errors: items(obj(v)?.errors).filter(ofOrder(m)),
});

/** Per job, the user's part of its detail; a job not listed here shows a plain user nothing */
const VIEWS: Record<string, (d: J, m: Mine) => J> = {
  'lt-execute': (d, m) => ({ sync: { errors: items(obj(d.sync)?.errors).filter(ofOrder(m)) }, execute: execute(d.execute, m) }),
  'lt-signals': (d, m) => ({ execute: execute(d.execute, m) }),
  'lt-resolve': (d, m) => orderItems(d, m),
  'ft-sync': (d, m) => ({ skipped: Object.fromEntries(Object.entries(obj(d.skipped) ?? {}).filter(([w]) => m.wallets.has(w))) }),
};

/** The order ids and FT strategy ids the details mention, to ask the database which are the user's */
function mentioned(runs: JobRunRow[]): { orders: string[]; wallets: string[] } {
  const orders: string[] = [];
  const wallets: string[] = [];
  const ids = (xs: J[]) => xs.forEach((x) => typeof x.orderId === 'string' && orders.push(x.orderId));
  for (const r of runs) {
    const d = obj(r.detail);
    if (!d || r.status !== 'ok') continue;
    for (const e of [obj(d.execute), d].filter((x): x is J => x !== null)) ids(items(e.submissions));
    ids(items(obj(d.sync)?.errors));
    if (r.job === 'lt-resolve') ids([...items(d.waiting), ...items(d.errors)]);
    if (r.job === 'ft-sync') wallets.push(...Object.keys(obj(d.skipped) ?? {}));
  }
  return { orders, wallets };
}

/** Each run's detail as `userId` (a plain user) may see it, in the order of `runs` */
export async function ownJobDetails(sql: Sql, userId: string, runs: JobRunRow[]): Promise<unknown[]> {
  const { orders, wallets } = mentioned(runs);
  const mine: Mine = { userId, orders: await userOrderIdsAmong(sql, userId, orders), wallets: await readableWalletIds(sql, userId, wallets) };
  return runs.map((r) => {
    const d = obj(r.detail);
    if (r.detail === null || r.detail === undefined) return null;
    const view = VIEWS[r.job];
    return d && view && r.status === 'ok' ? view(d, mine) : {};
  });
}
