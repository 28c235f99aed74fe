/**
 * `node --import test/support/loaded-modules.mjs …`: appends the URL of every module the process loads to the file
 * TANDEM_LOADED_MODULES names, one per line, through Node's module customization hooks (test/architecture/cli-light.test.ts)
 */
import { register } from 'node:module';

register('./loaded-modules-hooks.mjs', import.meta.url, { data: { out: process.env.TANDEM_LOADED_MODULES } });
