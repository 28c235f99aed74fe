/**
 * The read-only shared data beside the repository (`<repository>/../shared`), resolved from this file's place in the
 * repository, never by an absolute path. The one helper: tests read it through test/support/shared.ts, which re-exports it
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_ROOT = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** A path under ../shared, e.g. `sharedPath('data/polymarket/books/nautilus')` */
export const sharedPath = (...parts: string[]): string => join(SHARED_ROOT, ...parts);
