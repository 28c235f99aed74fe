/** The process of `dashboard_endpoints_p99_ms`'s clients (endpoint-clients.ts): a job on stdin, the result on stdout */
import { text } from 'node:stream/consumers';
import { walk, type ClientsJob } from './endpoint-clients.ts';

try {
  const job = JSON.parse(await text(process.stdin)) as ClientsJob;
  process.stdout.write(JSON.stringify(await walk(job)));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
}
