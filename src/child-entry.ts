/**
 * The node arguments that start a script of this program as a child process (a torture child, the rehearsal's world,
 * `tandem start`): its compiled twin when the module asking runs compiled (dist/), else the TypeScript file through tsx.
 * With TANDEM_CHILDREN_COMPILED=1 a module running from src/ starts the twin in dist/ all the same: the test suite sets it
 * once its global setup has built dist/ from the sources as they are (test/support/build-server.ts), so each child skips
 * transpiling, seconds of CPU apiece
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COMPILED_CHILDREN = 'TANDEM_CHILDREN_COMPILED';

/** src/ or dist/: the directory this module is in */
const HERE = fileURLToPath(new URL('./', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** `script` relative to `moduleUrl` (an import.meta.url), as './child.ts' */
export function childArgs(moduleUrl: string, script: string): string[] {
  const file = fileURLToPath(new URL(script, moduleUrl));
  const asJs = (f: string) => f.replace(/\.ts$/, '.js');
  if (moduleUrl.endsWith('.js')) return [asJs(file)];
  if (process.env[COMPILED_CHILDREN] === '1') return [asJs(`${DIST}${relative(HERE, file)}`)];
  return ['--import', import.meta.resolve('tsx'), file];
}
