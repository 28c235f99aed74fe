/** Packed column parameters read back exactly as array parameters would: NULLs, empty strings, control characters */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { PackedColumns } from './packed-columns.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.close());

async function roundTrip(values: (string | null)[]): Promise<{ packed: boolean; back: (string | null)[] }> {
  const p = new PackedColumns();
  const expr = p.column(values, 'text');
  const [row] = await t.db.query<{ v: (string | null)[] | null }>(`SELECT ${expr} AS v`, p.params);
  return { packed: typeof p.params[0] === 'string', back: row!.v ?? [] };
}

describe(`PackedColumns (${backendName})`, () => {
  it('joins ordinary values into one text and reads back NULLs, empty strings and numbers as they were', async () => {
    expect(await roundTrip(['a', null, '', 'b c', ''])).toEqual({ packed: true, back: ['a', null, '', 'b c', ''] });
    expect(await roundTrip([null])).toEqual({ packed: true, back: [null] });
    expect(await roundTrip([])).toEqual({ packed: true, back: [] });
    const p = new PackedColumns();
    const [row] = await t.db.query<{ n: string[]; i: number[] }>(
      `SELECT ${p.column([1n, 2_500_000n], 'numeric')}::text[] AS n, ${p.column([3, null], 'int')} AS i`, p.params);
    expect(row).toEqual({ n: ['1', '2500000'], i: [3, null] });
  });

  it('sends a lone empty string or a value holding a separator as an array parameter', async () => {
    expect(await roundTrip([''])).toEqual({ packed: false, back: [''] });
    expect(await roundTrip(['a\u001fb', 'c'])).toEqual({ packed: false, back: ['a\u001fb', 'c'] });
    expect(await roundTrip(['a\u001eb', null])).toEqual({ packed: false, back: ['a\u001eb', null] });
  });
});
