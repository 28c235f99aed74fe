/**
 * The rehearsal's Polymarket as a process of its own, as the real one is: it runs the simulated world behind the loopback
 * simulator (src/rehearse/world-server.ts), so the world's steps and the simulator's serving never hold up Tandem's
 * event loop. Options arrive as one JSON argument; once serving it prints one JSON line with its addresses on stdout.
 * A small control server on loopback answers the rehearsal's questions (state) and orders (freeze). It exits when its
 * parent closes stdin or sends SIGTERM
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { systemClock } from '../engine/clock.ts';
import { startWorldServer, type WorldServer } from './world-server.ts';

export interface WorldChildOptions {
  seed: number;
  marketLifetimeMs: number;
  openMarkets: number;
  stepMs: number;
  fundUsdc: string;
}

/** What the child prints once it serves */
export interface WorldChildReady {
  url: string;
  gammaUrl: string;
  rtdsUrl: string;
  wsUrl: string;
  controlUrl: string;
  traders: string[];
}

/** The world's state as the report needs it */
export interface WorldChildState {
  steps: { ok: number; failed: string[] };
  placements: string[];
  /** USDC (micro-units, decimal digits) the simulator credited to the account on its first API key or order */
  fundedMicros: string;
  matched: Record<string, number>;
  worldResolved: number;
}

function stateOf(w: WorldServer, account: string): WorldChildState {
  return {
    steps: w.steps, placements: w.placements(account), fundedMicros: w.server.state.fundedWith(account).toString(), matched: Object.fromEntries(w.matchedEntries()),
    worldResolved: w.server.exchange.markets().filter((m) => m.payouts !== null).length,
  };
}

function control(w: WorldServer) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/state') return reply(200, stateOf(w, url.searchParams.get('account') ?? ''));
    if (req.method === 'POST' && url.pathname === '/freeze') {
      w.freeze();
      return reply(200, { frozen: true });
    }
    return reply(404, { error: 'not found' });
  };
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as WorldChildOptions;
  const world = await startWorldServer({ ...o, clock: systemClock });
  const server = createServer(control(world));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const stop = () => {
    server.close();
    void world.stop().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop).on('close', stop).resume();
  process.on('SIGTERM', stop);
  const s = world.server;
  const ready: WorldChildReady = { url: s.url, gammaUrl: s.gammaUrl, rtdsUrl: s.rtdsUrl, wsUrl: s.wsUrl,
    controlUrl: `http://127.0.0.1:${port}`, traders: world.world.traders.map((t) => t.address) };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`world: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
