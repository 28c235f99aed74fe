// @backend-independent
/**
 * DATABASE_SSL_CA_FILE end to end: a PostgreSQL server of its own on 127.0.0.1 with TLS on, its certificate signed by a
 * CA made here. With the CA, the pool and LISTEN connect over TLS (pg_stat_ssl says so); with another CA the connection
 * is refused (the server's certificate is verified, not just encrypted to). Skipped, with the reason, where PostgreSQL's
 * server binaries or openssl are not installed
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDb, type Db } from '../../src/store/db.ts';

const PGROOT = '/usr/lib/postgresql';
const bin = existsSync(PGROOT) ? readdirSync(PGROOT).map((v) => join(PGROOT, v, 'bin')).find((d) => existsSync(join(d, 'initdb'))) : undefined;
const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
const why = !bin ? 'PostgreSQL server binaries are not installed' : !openssl ? 'openssl is not installed' : null;
if (why) console.log(`PostgreSQL TLS test skipped: ${why}`);

const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-tls-'));
const data = join(dir, 'data');
const port = 55_000 + (process.pid % 900);
const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

/** Runs as the postgres user when we are root (initdb and the server refuse root) */
const asPg = (cmd: string, args: string[]) => (root ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
  : execFileSync(cmd, args, { stdio: 'pipe' }));
const ssl = (args: string[]) => execFileSync(openssl!, args, { cwd: dir, stdio: 'pipe' });

function makeCerts(): void {
  for (const ca of ['ca', 'other-ca']) {
    ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`]);
  }
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', 'san.ext', '-out', 'server.crt']);
}

let serverUp = false;

beforeAll(() => {
  if (why) return;
  makeCerts();
  if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  chmodSync(join(dir, 'server.key'), 0o600);
  asPg(join(bin!, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c ssl=on -c ssl_cert_file=${join(dir, 'server.crt')} `
    + `-c ssl_key_file=${join(dir, 'server.key')}`;
  asPg(join(bin!, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '120', '-o', opts, 'start']);
  serverUp = true;
}, 300_000);

afterAll(() => {
  if (serverUp) spawnSync(root ? 'runuser' : join(bin!, 'pg_ctl'), root ? ['-u', 'postgres', '--', join(bin!, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']
    : ['-D', data, '-m', 'immediate', '-w', 'stop']);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

const sslInUse = async (db: Db): Promise<boolean> =>
  (await db.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))[0]!.ssl;

describe.skipIf(why !== null)(`PostgreSQL over TLS with DATABASE_SSL_CA_FILE${why ? ` (skipped: ${why})` : ''}`, () => {
  it('connects over TLS, verified against the CA, for queries and LISTEN; another CA is refused', async () => {
    const config = loadConfig({ DATABASE_URL: url, DATABASE_SSL_CA_FILE: join(dir, 'ca.crt') });
    expect(config.databaseCa).toBe(readFileSync(join(dir, 'ca.crt'), 'utf8'));
    const db = await openDb({ databaseUrl: config.databaseUrl, ca: config.databaseCa });
    try {
      expect(await sslInUse(db)).toBe(true);
      const heard: string[] = [];
      const stop = await db.listen('tls_check', (p) => heard.push(p));
      for (let k = 0; k < 200 && heard.length === 0; k++) {
        await db.query("SELECT pg_notify('tls_check', 'over tls')");
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(heard[0]).toBe('over tls');
      await stop();
    } finally {
      await db.close();
    }
    const plain = await openDb({ databaseUrl: url });
    try {
      expect(await sslInUse(plain)).toBe(false); // without the CA: as the URL says (no TLS asked for)
    } finally {
      await plain.close();
    }
    const other = loadConfig({ DATABASE_URL: url, DATABASE_SSL_CA_FILE: join(dir, 'other-ca.crt') });
    await expect(openDb({ databaseUrl: other.databaseUrl, ca: other.databaseCa })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  }, 120_000);
});
