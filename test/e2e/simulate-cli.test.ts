// @backend-independent
/** The official clob-client-v2, unmodified, against the `tandem simulate` process: key, signed order, read-back, 401s */
import { spawn, type ChildProcess } from 'node:child_process';
import { OrderType, Side } from '@polymarket/clob-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingClient } from '../../src/sim/server/testing.ts';
import { compiledCli } from '../support/compiled.ts';

let child: ChildProcess;
let url = '';
let yes = '';

beforeAll(async () => {
  child = spawn(process.execPath, [...compiledCli(), 'simulate', '--port', '0', '--seed', '3'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`simulator did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const u = /simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const t = /tokens Yes=(\d+)/.exec(out);
      if (u && t) {
        clearTimeout(timer);
        [url, yes] = [u[1]!, t[1]!];
        done();
      }
    });
    child.once('exit', (code) => fail(new Error(`simulator exited ${code}: ${out}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

describe('tandem simulate with the official client', () => {
  it('derives an API key, posts a signed resting order and reads it back', async () => {
    const alice = await tradingClient(url);
    expect(alice.creds.key).toMatch(/^[0-9a-f-]{36}$/);
    const order = await alice.client.createOrder({ tokenID: yes, price: 0.02, size: 10, side: Side.BUY });
    const posted = await alice.client.postOrder(order, OrderType.GTC);
    expect(posted).toMatchObject({ success: true, status: 'live' });
    expect(await alice.client.getOrder(posted.orderID)).toMatchObject({ id: posted.orderID, status: 'LIVE', original_size: '10' });
  });

  it("answers a wrong HMAC with Polymarket's 401", async () => {
    const bob = await tradingClient(url);
    const headers = {
      POLY_ADDRESS: bob.account.address, POLY_SIGNATURE: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      POLY_TIMESTAMP: String(Math.floor(Date.now() / 1000)), POLY_API_KEY: bob.creds.key, POLY_PASSPHRASE: bob.creds.passphrase,
    };
    const res = await fetch(`${url}/data/orders`, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized/Invalid api key' });
  });

  it("answers a wrong L1 signature with Polymarket's 401", async () => {
    const res = await fetch(`${url}/auth/derive-api-key`, { headers: {
      POLY_ADDRESS: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', POLY_SIGNATURE: `0x${'11'.repeat(65)}`,
      POLY_TIMESTAMP: String(Math.floor(Date.now() / 1000)), POLY_NONCE: '0',
    } });
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).toContain('Invalid L1 Request headers');
  });
});
