/**
 * The read-only shared data beside the repository (`<repository>/../shared`): the one resolution, src/bench/shared-data.ts
 * (the bench reads the same files and may not import from test/), re-exported for the tests
 */
export { SHARED_ROOT, sharedPath } from '../../src/bench/shared-data.ts';
