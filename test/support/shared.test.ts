// @backend-independent
/** Tests and the bench find ../shared beside the repository, whatever its absolute path */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SHARED_ROOT, sharedPath } from './shared.ts';

it('resolves ../shared beside the repository, whatever its absolute path', () => {
  const repository = fileURLToPath(new URL('../../', import.meta.url));
  expect(SHARED_ROOT).toBe(join(repository, '..', 'shared', '/'));
  expect(sharedPath('data', 'polymarket')).toBe(join(SHARED_ROOT, 'data/polymarket'));
  expect(existsSync(sharedPath('data/polymarket'))).toBe(true);
});
