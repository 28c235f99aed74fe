import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000, // a bound for a loaded machine (two passes run side by side): no test waits on it
    hookTimeout: 120_000,
    globalSetup: ['test/support/build-web.ts', 'test/support/build-server.ts', 'test/support/pglite-snapshot.ts', 'test/support/pg-template.ts'],
  },
});
