// @backend-independent
/** `tandem replay --books DIR` as a process: the Nobel trades, Gamma markets, a books directory, a report on disk */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledCli } from '../support/compiled.ts';
import { nobelRecords } from '../support/nobel.ts';
import { sharedPath } from '../support/shared.ts';

const YES = '75406677405586796507165996816755205915219135539748390183994296030461533919844';
const MARKET = '0x14a3dfeba8b22a32feb0f10763db68bc4d2abeb5bff90e9ae20de53793b35a1d';
const NAUTILUS = sharedPath('data/polymarket/books/nautilus');
const dir = mkdtempSync(join(tmpdir(), 'tandem-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Nobel markets as Gamma returns them: JSON-in-string lists, final prices, closed at the announcement */
function gammaLines(): string {
  const byId = new Map<string, { title: string; tokens: string[] }>();
  for (const r of nobelRecords()) {
    const m = byId.get(r.conditionId) ?? { title: r.title, tokens: [`${r.conditionId}1`, `${r.conditionId}2`] };
    m.tokens[r.outcomeIndex] = r.asset;
    byId.set(r.conditionId, m);
  }
  return [...byId].map(([conditionId, m]) => JSON.stringify({
    conditionId, question: m.title, slug: '', outcomes: '["Yes", "No"]', clobTokenIds: JSON.stringify(m.tokens),
    outcomePrices: JSON.stringify(m.title.includes('Machado') ? ['1', '0'] : ['0', '1']), closed: true,
    closedTime: '2025-10-10 12:30:00+00', orderPriceMinTickSize: 0.001, orderMinSize: 5, negRisk: true,
  })).join('\n');
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...compiledCli(), 'replay', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`replay did not finish in time: ${stderr}`));
    }, 150_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe('tandem replay --books', () => {
  it('replays against a books directory and reports accepted and rejected snapshots', async () => {
    const records = nobelRecords().sort((a, b) => a.timestamp - b.timestamp).slice(0, 400);
    writeFileSync(join(dir, 'trades.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
    writeFileSync(join(dir, 'markets.jsonl'), gammaLines());
    writeFileSync(join(dir, 'strategies.json'), JSON.stringify([{
      wallet_id: 'FT_MID', use_model: false, min_edge: null, min_trader_resolved_count: null, price_min: '0.2', price_max: '0.8',
      min_original_trade_usd: '50', bet_size: '5',
      lt: { starting_capital: '1000', order_type: 'FAK', slippage_tolerance_pct: '3', max_signal_age_seconds: 3600 },
    }]));
    const books = join(dir, 'books');
    mkdirSync(books);
    // The real recordings are for other markets: counted as unknown tokens
    for (const f of ['nautilus_py_http_responses_book.json', 'nautilus_py_ws_messages_book.json']) copyFileSync(join(NAUTILUS, f), join(books, f));
    writeFileSync(join(books, 'machado.jsonl'), `${JSON.stringify({ market: MARKET, asset_id: YES, timestamp: '1760084700000',
      bids: [{ price: '0.679', size: '5000' }], asks: [{ price: '0.683', size: '5000' }] })}\n{broken\n`);
    const out = join(dir, 'report.json');
    const r = await run(['--trades', join(dir, 'trades.jsonl'), '--markets', join(dir, 'markets.jsonl'), '--strategies',
      join(dir, 'strategies.json'), '--books', books, '--seed', '3', '--latency-ms', '250', '--out', out]);
    console.log(r.stdout.trim());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/report written to .*: 1 strategies, 1 book snapshots, every invariant holds/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.input).toEqual({ trades: 400, markets: 20, books: 1, rejected: { book_unknown_token: 2, book_bad_json: 1 } });
    expect(report.strategies[0].lt.orders.filled).toBeGreaterThan(0);
    // The latency used and the shares of the LT signals, in the report and on stdout
    expect(report.lt_execution.latency_ms).toBe(250);
    expect(report.lt_execution.signals).toBe(report.strategies[0].lt.signals);
    expect(r.stdout).toMatch(/LT: \d+ signals at 250 ms latency: [\d.]+ % ordered, [\d.]+ % skipped .*, [\d.]+ % expired/);
  }, 180_000);

  it('refuses a --latency-ms that is not a whole number of milliseconds', async () => {
    const r = await run(['--trades', 'x', '--markets', 'y', '--latency-ms', '1.5', '--out', join(dir, 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--latency-ms must be a whole number');
  }, 60_000);

  it('refuses a --books path that is not a directory', async () => {
    const r = await run(['--trades', 'x', '--markets', 'y', '--books', join(dir, 'nope'), '--out', join(dir, 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a directory');
  }, 60_000);
});
