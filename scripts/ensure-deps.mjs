// Runs before `npm start` and `npm test`: on a fresh clone (no node_modules yet) installs the locked
// dependencies once, then builds the dashboard when web/ changed, so the README's two quick-start commands work as they are.
// With --server (before `npm start`, `npm run tandem` and the benches) it also compiles the server into dist/ when src/ changed
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/.bin/tsx', import.meta.url))) {
  console.error('node_modules is missing: running "npm ci" once (needs the npm registry)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const { buildWebIfStale } = await import('./build-web.mjs');
try {
  await buildWebIfStale();
} catch (error) {
  console.error(`the dashboard build failed: ${error.message}`);
  process.exit(1);
}
if (process.argv.includes('--server')) {
  const { buildIfStale } = await import('./build.mjs');
  try {
    await buildIfStale();
  } catch (error) {
    console.error(`the server build failed: ${error.message}`);
    process.exit(1);
  }
}
