/** The read-only shared data beside the repository (`<repository>/../shared`), resolved from this file's place in it */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_ROOT = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** A path under ../shared, e.g. `sharedPath('data/polymarket/books/nautilus')` */
export const sharedPath = (...parts: string[]): string => join(SHARED_ROOT, ...parts);
