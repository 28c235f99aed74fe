/** growFilesGeometrically: MEMFS files double their capacity, keep their bytes, and read back zeros where they grew */
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { growFilesGeometrically } from './pglite-memfs.ts';

interface Node {
  contents: Uint8Array | null;
  usedBytes: number;
}

/** A stand-in with MEMFS's two functions as Emscripten writes them (exact resize; growth by 1/8 past 1 MiB) */
function fakeMemfs() {
  const memfs = {
    copies: 0,
    resizeFileStorage(node: Node, size: number) {
      const old = node.contents;
      node.contents = new Uint8Array(size);
      if (old) node.contents.set(old.subarray(0, Math.min(size, node.usedBytes)));
      node.usedBytes = size;
      memfs.copies += 1;
    },
    expandFileStorage(node: Node, size: number) {
      const capacity = node.contents?.length ?? 0;
      if (capacity >= size) return;
      const next = new Uint8Array(Math.max(size, capacity * (capacity < 1_048_576 ? 2 : 1.125)));
      if (node.contents) next.set(node.contents.subarray(0, node.usedBytes));
      node.contents = next;
      memfs.copies += 1;
    },
  };
  const pglite = { Module: { FS: { lookupPath: () => ({ node: { mount: { type: memfs } } }) } } };
  return { memfs, pglite };
}

describe('growFilesGeometrically', () => {
  it('grows by doubling on truncate and fallocate, keeps the bytes, zero-fills the growth, and shrinks exactly', () => {
    const { memfs, pglite } = fakeMemfs();
    expect(growFilesGeometrically(pglite)).toBe(true);
    expect(growFilesGeometrically(pglite)).toBe(true); // once only
    const node: Node = { contents: null, usedBytes: 0 };
    memfs.resizeFileStorage(node, 3);
    node.contents!.set([7, 8, 9]);
    memfs.copies = 0;
    // 8 KiB blocks added one at a time up to 64 MiB: a handful of copies, not one per block
    for (let size = 8192; size <= 64 * 1_048_576; size += 8192) memfs.resizeFileStorage(node, size);
    expect(node.usedBytes).toBe(64 * 1_048_576);
    expect(memfs.copies).toBeLessThan(20);
    expect([...node.contents!.subarray(0, 4)]).toEqual([7, 8, 9, 0]);
    // Bytes past the size are zero once the file grows over them again
    node.contents!.fill(5, 0, node.usedBytes);
    memfs.resizeFileStorage(node, 10);
    expect(node.contents!.length).toBe(10);
    memfs.resizeFileStorage(node, 20);
    expect([...node.contents!.subarray(8, 20)]).toEqual([5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('leaves a PGlite without that MEMFS alone', () => {
    expect(growFilesGeometrically({})).toBe(false);
    expect(growFilesGeometrically({ Module: { FS: { lookupPath: () => { throw new Error('ENOENT'); } } } })).toBe(false);
    expect(growFilesGeometrically({ Module: { FS: { lookupPath: () => ({ node: { mount: { type: {} } } }) } } })).toBe(false);
  });

  it('applies to the installed PGlite in memory, whose bulk-loaded tables and dump read back whole', async () => {
    const pg = await PGlite.create('memory://');
    try {
      expect(growFilesGeometrically(pg)).toBe(true);
      await pg.exec(`CREATE TABLE grow (id int PRIMARY KEY, pad text)`);
      const csv = Array.from({ length: 20_000 }, (_, i) => `${i},"${'x'.repeat(i % 300)}"`).join('\n');
      await pg.query(`COPY grow FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
      await pg.exec('CHECKPOINT');
      const sums = 'SELECT count(*)::int AS n, sum(length(pad))::int AS pad, sum(id)::bigint::text AS ids FROM grow';
      const before = (await pg.query(sums)).rows[0];
      expect(before).toEqual({ n: 20_000, pad: Array.from({ length: 20_000 }, (_, i) => i % 300).reduce((a, b) => a + b, 0), ids: '199990000' });
      const dump = await pg.dumpDataDir('none');
      const copy = await PGlite.create('memory://', { loadDataDir: dump instanceof Blob ? dump : new Blob([dump]) });
      try {
        expect((await copy.query(sums)).rows[0]).toEqual(before);
      } finally {
        await copy.close();
      }
    } finally {
      await pg.close();
    }
  });
});
