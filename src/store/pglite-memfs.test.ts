// @backend-independent
/** growFilesGeometrically: MEMFS files grow geometrically, keep their bytes, and read back zeros where they grew */
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
    resizeFileStorage(node: Node, size: number) {
      const old = node.contents;
      node.contents = new Uint8Array(size);
      if (old) node.contents.set(old.subarray(0, Math.min(size, node.usedBytes)));
      node.usedBytes = size;
    },
    expandFileStorage(node: Node, size: number) {
      const capacity = node.contents?.length ?? 0;
      if (capacity >= size) return;
      const next = new Uint8Array(Math.max(size, capacity * (capacity < 1_048_576 ? 2 : 1.125)));
      if (node.contents) next.set(node.contents.subarray(0, node.usedBytes));
      node.contents = next;
    },
  };
  const pglite = { Module: { FS: { lookupPath: () => ({ node: { mount: { type: memfs } } }) } } };
  return { memfs, pglite };
}

describe('growFilesGeometrically', () => {
  it('grows geometrically on truncate and fallocate and on writes, keeps the bytes, and shrinks exactly', () => {
    const { memfs, pglite } = fakeMemfs();
    expect(growFilesGeometrically(pglite)).toBe(true);
    expect(growFilesGeometrically(pglite)).toBe(true); // once only
    const node: Node = { contents: null, usedBytes: 0 };
    memfs.resizeFileStorage(node, 3);
    node.contents!.set([7, 8, 9]);
    // 512 KiB extensions up to 80 MiB: a few dozen buffers, not one per extension (160)
    let buffers = 0;
    for (let size = 524_288, last = node.contents; size <= 80 * 1_048_576; size += 524_288) {
      memfs.resizeFileStorage(node, size);
      if (node.contents !== last) (buffers += 1), (last = node.contents);
    }
    expect(node.usedBytes).toBe(80 * 1_048_576);
    expect(buffers).toBeLessThan(40);
    // Past 64 MiB a growth adds at most 64 MiB of room
    expect(node.contents!.length - node.usedBytes).toBeLessThanOrEqual(64 * 1_048_576);
    expect([...node.contents!.subarray(0, 4)]).toEqual([7, 8, 9, 0]);
    // A write past the end (expandFileStorage) grows the same way
    const written: Node = { contents: new Uint8Array(2_000_000), usedBytes: 2_000_000 };
    memfs.expandFileStorage(written, 2_000_001);
    expect(written.contents!.length).toBe(4_000_000);
    // Shrinking is the original exact resize
    memfs.resizeFileStorage(node, 10);
    expect(node.contents!.length).toBe(10);
  });

  it('reads back zeros where a truncate grew a file, even over stale bytes past its size', () => {
    const { memfs, pglite } = fakeMemfs();
    growFilesGeometrically(pglite);
    const node: Node = { contents: new Uint8Array(64).fill(5), usedBytes: 8 };
    memfs.resizeFileStorage(node, 20);
    expect(node.usedBytes).toBe(20);
    expect([...node.contents!.subarray(6, 20)]).toEqual([5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
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
