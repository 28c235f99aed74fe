#!/usr/bin/env bash
# The test command (npm test): type-checks, then runs the whole suite on embedded PGlite and, when
# TEST_DATABASE_URL names a PostgreSQL server, again on that server. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tmp
rc=0
echo "== typecheck"
npx tsc -p tsconfig.json || rc=1
npx tsc -p web/tsconfig.json || rc=1

run_suite() { # name, then env assignments
  local name=$1; shift
  echo "== tests on $name"
  env "$@" npx vitest run --reporter=default --reporter=json --outputFile.json="tmp/vitest-$name.json" || rc=1
}

run_suite pglite TEST_DATABASE_URL=
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run_suite postgres TEST_DATABASE_URL="$TEST_DATABASE_URL"
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const name of ["pglite", "postgres"]) {
  const file = `tmp/vitest-${name}.json`;
  if (!fs.existsSync(file)) continue;
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  console.log(`${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numTotalTestSuites} suites`);
}
if (process.argv[1] === "1" && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
' "$rc"
exit $rc
