/**
 * Tandem started in-process as the demo runs: a fresh PGlite DATA_DIR, the simulated world (FT_SOURCE=sim, a step every
 * 500 ms) and the LT executor every 2 s, on a loopback port; its API called over HTTP as the operator
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Log } from '../../src/engine/ports.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';
import type { Json } from './api-client.ts';
import { seedPgliteDir } from './pglite-seed.ts';

/** The LT strategy `launchBaseline` creates: it copies the world's FT_T1_BASELINE */
export const BASELINE = 'LT_FT_T1_BASELINE';

export interface ApiResponse { status: number; body: Json }

export interface DemoTandem {
  tandem: Tandem;
  /** The operator's bearer token (read from DATA_DIR) */
  token: string;
  /** Calls the API as the operator; the body parsed as JSON */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /**
   * Creates BASELINE ($500, signals up to 10 minutes old) trading through `wallet`, asserting it was created, and asks
   * to launch it: the launch's response
   */
  launchBaseline(wallet: string): Promise<ApiResponse>;
  /** Stops Tandem and removes its DATA_DIR */
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Names the DATA_DIR (tandem-NAME-XXXXXX) */
  name: string;
  /** Settings over the demo's (e.g. VENUE, TANDEM_SECRET_KEY) */
  env?: Record<string, string>;
  log?: Log;
}

export async function startDemoTandem(o: DemoOptions): Promise<DemoTandem> {
  const dir = mkdtempSync(join(tmpdir(), `tandem-${o.name}-`));
  let tandem: Tandem;
  try {
    // The demo's subject is not the first start on an empty directory (cli-start and demo-restart cover that)
    if (!o.env?.DATABASE_URL) await seedPgliteDir(dir);
    tandem = await startTandem(loadConfig({
      DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'sim', SIM_STEP_MS: '500',
      LT_EXECUTE_CRON: '*/2 * * * * *', ...o.env,
    }), o.log ?? silentLog);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const token = readFileSync(tandem.operatorTokenFile!, 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const res = await fetch(new URL(path, tandem.url), {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  return {
    tandem, token, api,
    launchBaseline: async (wallet) => {
      expect((await api('POST', '/api/lt/strategies', {
        ft_wallet_id: 'FT_T1_BASELINE', starting_capital: '500', wallet_address: wallet, max_signal_age_seconds: 600,
      })).status).toBe(201);
      return api('POST', `/api/lt/strategies/${BASELINE}/launch`);
    },
    stop: async () => {
      await tandem.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
