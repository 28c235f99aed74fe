#!/usr/bin/env node
// The installed `tandem` command: runs the compiled JavaScript in dist/ (`npm run build`) when it is a build of the
// sources as they are; otherwise the TypeScript sources through tsx (Node 20 cannot strip types itself)
import { isBuilt } from '../scripts/build.mjs';

if (isBuilt()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
