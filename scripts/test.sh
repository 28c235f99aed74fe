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
  TEST_DATABASE_URL=$url npx vitest run --reporter=default --reporter=json --outputFile.json="tmp/vitest-$name.json" "$@"
}

# The PGlite pass and the PostgreSQL pass are independent (each test file has its own databases and ports), so they run
# side by side, one test file at a time each (TANDEM_TEST_WORKERS each), which keeps both cores busy while a file
# waits on a child process or the server; each pass's output is printed whole when both are done. The dashboard is
# built once first, so the two passes' global setups find it up to date instead of building it at once.
# The crash and torture files (test/crash) SIGKILL child processes beside a CPU hog of their own (one busy process per
# core): they run after the rest, so the hog loads them and not every other file. They take about ten minutes, so they
# run once, on PGlite (`TEST_DATABASE_URL=… npx vitest run test/crash` runs them on PostgreSQL)
rm -f tmp/vitest-*.json
node scripts/build-web.mjs || rc=1
workers=${TANDEM_TEST_WORKERS:-1}
echo "== tests: pglite${TEST_DATABASE_URL:+ and postgres side by side} (each pass's output when it ends)"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run_suite postgres "$TEST_DATABASE_URL" --exclude 'test/crash/**' --maxWorkers="$workers" >tmp/test-postgres.log 2>&1 &
  postgres_pid=$!
fi
run_suite pglite "" --exclude 'test/crash/**' --maxWorkers="$workers" >tmp/test-pglite.log 2>&1 || rc=1
cat tmp/test-pglite.log
if [ -n "${postgres_pid:-}" ]; then
  wait "$postgres_pid" || rc=1
  cat tmp/test-postgres.log
fi
run_suite pglite-crash "" test/crash || rc=1

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
