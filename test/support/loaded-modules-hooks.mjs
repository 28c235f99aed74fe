/** The hooks of test/support/loaded-modules.mjs: every module loaded, its URL appended to a file */
import { appendFileSync } from 'node:fs';

let out = '';

export async function initialize(data) {
  out = data.out;
}

export async function load(url, context, nextLoad) {
  appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}
