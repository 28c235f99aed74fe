#!/usr/bin/env bash
# The test command (npm test): type-checks, then runs the suite on embedded PGlite and, when
# TEST_DATABASE_URL names a PostgreSQL server, again on that server. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tmp
rc=0
echo "== typecheck"
npx tsc -p tsconfig.json || rc=1
npx tsc -p web/tsconfig.json || rc=1

run_suite() { # name, database URL (empty: PGlite), then vitest arguments
  local name=$1 url=$2; shift 2
  echo "== tests: $name"
  TEST_DATABASE_URL=$url npx vitest run --reporter=default --reporter=json --outputFile.json="tmp/vitest-$name.json" "$@" || rc=1
}

# The crash and torture files (test/crash) SIGKILL child processes beside a CPU hog of their own (one busy process per
# core): they run after the rest, so the hog loads them and not every other file. They take about ten minutes, so they
# run once, on PGlite (`TEST_DATABASE_URL=… npx vitest run test/crash` runs them on PostgreSQL)
rm -f tmp/vitest-*.json
run_suite pglite "" --exclude 'test/crash/**'
run_suite pglite-crash "" test/crash
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run_suite postgres "$TEST_DATABASE_URL" --exclude 'test/crash/**'
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const name of ["pglite", "pglite-crash", "postgres", "postgres-crash"]) {
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
