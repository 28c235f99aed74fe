/** The read-only shared data beside the repository (`<repository>/../shared`), as test/support/shared.ts resolves it */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_ROOT = fileURLToPath(new URL('../../../shared/', import.meta.url));

export const sharedPath = (...parts: string[]): string => join(SHARED_ROOT, ...parts);
