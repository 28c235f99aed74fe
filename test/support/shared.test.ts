/** Tests and the bench find ../shared at the same place: beside the repository, whatever its absolute path */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SHARED_ROOT as BENCH_SHARED_ROOT } from '../../src/bench/shared-data.ts';
import { SHARED_ROOT, sharedPath } from './shared.ts';

it('resolves ../shared beside the repository, the same for tests and the bench', () => {
  const repository = fileURLToPath(new URL('../../', import.meta.url));
  expect(SHARED_ROOT).toBe(join(repository, '..', 'shared', '/'));
  expect(BENCH_SHARED_ROOT).toBe(SHARED_ROOT);
  expect(sharedPath('data', 'polymarket')).toBe(join(SHARED_ROOT, 'data/polymarket'));
  expect(existsSync(sharedPath('data/polymarket'))).toBe(true);
});
