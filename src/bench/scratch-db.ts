/** Scratch PostgreSQL databases for the benches: made beside the one a URL names, dropped when done */
import pg from 'pg';

/** Runs `sql` on its own connection to `url` (CREATE and DROP DATABASE cannot run in a transaction) */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a scratch database next to the one in `url` (named `prefix_pid_time`); returns its URL and its drop */
export async function scratchDatabase(url: string, prefix = 'tandem_bench'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  return { url: databaseUrl(url, name), drop: () => adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** `url` with its database replaced by `name` */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
