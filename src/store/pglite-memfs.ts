/**
 * An in-memory PGlite keeps its files in Emscripten's MEMFS, which grows files in two ways that cost a copy of the
 * whole file per growth:
 * - `ftruncate` and `posix_fallocate` (PostgreSQL extends a relation by fallocate when it adds more than 8 blocks at
 *   once, as COPY and bulk inserts do) reallocate the file to exactly the new size (MEMFS.resizeFileStorage);
 * - a write past the end grows it geometrically, but by only 1/8 once the file passes 1 MiB (MEMFS.expandFileStorage).
 * A relation extended in bulk to N bytes is thus copied once per extension (O(N²) bytes in all), and a file written
 * at its end is copied ~8 times over. Profiled on the 15,000-trade replay (PGlite 0.5.16, COPY): resizeFileStorage alone
 * was ~275 ms of CPU per replay.
 *
 * `growFilesGeometrically` makes both grow the file's capacity by its size (at most MAX_STEP at once) instead: the
 * size PostgreSQL sees is unchanged, the bytes between the old and the new size are zero, as after a truncate, and a
 * file holds at most its size (or 64 MiB) spare. MEMFS is reached through the data directory's
 * mount, whose `type` is the MEMFS object: its file operations call these two functions through that object. A PGlite
 * built otherwise (another file system, other function names) is left as it is: the patch is an optimisation only
 */

/** The MEMFS node fields the two functions use (Emscripten's library_memfs.js) */
interface MemfsNode {
  contents: Uint8Array | number[] | null;
  usedBytes: number;
}

interface Memfs {
  resizeFileStorage(node: MemfsNode, size: number): void;
  expandFileStorage(node: MemfsNode, size: number): void;
  [PATCHED]?: true;
}

const PATCHED = Symbol('tandem.geometricGrowth');

/** Smallest capacity allocated, as MEMFS's own */
const MIN_CAPACITY = 256;
/** The most a file's capacity grows by at once: doubling up to here, then this much a step (bounds the spare memory) */
const MAX_STEP = 64 * 1_048_576;

/** The PGlite internals reached: its Emscripten module's FS */
interface PgliteWithModule {
  Module?: { FS?: { lookupPath(path: string): { node: { mount?: { type?: unknown } } } } };
}

/** True when MEMFS at `dataDir` now grows files geometrically (or already did); false when this PGlite has no such MEMFS */
export function growFilesGeometrically(pglite: unknown, dataDir = '/pglite/data'): boolean {
  let memfs: unknown;
  try {
    memfs = (pglite as PgliteWithModule).Module?.FS?.lookupPath(dataDir).node.mount?.type;
  } catch {
    return false;
  }
  if (!isMemfs(memfs)) return false;
  if (memfs[PATCHED]) return true;
  const resize = memfs.resizeFileStorage.bind(memfs);
  const expand = memfs.expandFileStorage.bind(memfs);
  memfs.expandFileStorage = (node, size) => {
    if (node.contents !== null && !(node.contents instanceof Uint8Array)) return expand(node, size);
    const capacity = node.contents?.length ?? 0;
    if (capacity >= size) return;
    const next = new Uint8Array(Math.max(size, capacity + Math.min(capacity, MAX_STEP), MIN_CAPACITY));
    if (node.contents && node.usedBytes > 0) next.set(node.contents.subarray(0, node.usedBytes));
    node.contents = next;
  };
  memfs.resizeFileStorage = (node, size) => {
    if (!(size > node.usedBytes) || (node.contents !== null && !(node.contents instanceof Uint8Array))) return resize(node, size);
    const used = node.usedBytes;
    memfs.expandFileStorage(node, size);
    // MEMFS leaves zeros past a file's size; cleared anyway, as a truncate that grows a file must read back zeros
    (node.contents as Uint8Array).fill(0, used, size);
    node.usedBytes = size;
  };
  memfs[PATCHED] = true;
  return true;
}

function isMemfs(value: unknown): value is Memfs {
  const m = value as Partial<Memfs> | null;
  return typeof m?.resizeFileStorage === 'function' && typeof m.expandFileStorage === 'function';
}
