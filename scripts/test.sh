#!/usr/bin/env bash
# The test command (npm test): type-checks, then runs the suite on embedded PGlite and, when
# TEST_DATABASE_URL names a PostgreSQL server, again on that server (backend-independent files once). Ends with
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tmp
rc=0
typecheck() { # the server's and the dashboard's types: in the second lane, before its passes (it has the shorter lanes' slack)
  echo "== typecheck"
  local r=0
  npx tsc -p tsconfig.json || r=1
  npx tsc -p web/tsconfig.json || r=1
  return $r
}

run_suite() { # name, database URL (empty: PGlite), then vitest arguments
  local name=$1 url=$2; shift 2
  echo "== tests: $name"
  TEST_DATABASE_URL=$url npx vitest run --reporter=default --reporter=json --outputFile.json="tmp/vitest-$name.json" "$@"
}

# Files marked `// @backend-independent` (a line of its own: pure code, or PGlite whatever TEST_DATABASE_URL says;
# test/architecture/backend-independent.test.ts proves none reaches the test database) run once, on PGlite; every other
# file runs in the PGlite pass and, with TEST_DATABASE_URL, in the PostgreSQL pass. The passes are independent (each test
# file has its own databases and ports), so they run in two lanes side by side, one test file at a time each
# (TANDEM_TEST_WORKERS each), which keeps both cores busy while a file waits on a child process or the server: the
# PGlite pass with the longest marked file (the browser file test/e2e/dashboard-lt.test.ts) in one lane, the type check,
# the PostgreSQL pass and then the "once" pass (the other marked files) in the other. In the CI run of 2026-12-03 the lanes took 1,379 s
# (PGlite) and 780 + 543 s; the compiled child processes (below) take about 50 s off the first and 65 s off the second,
# and test/e2e/dashboard-journeys.test.ts (about 40 s) moved from the first to the second's "once" pass, which leaves
# both about 1,290 s (an estimate from per-file figures). Each pass's output is printed whole when both lanes are done.
# The dashboard and the server (dist/, which the tests that start the CLI or a child process run, test/support/compiled.ts)
# are built once first, so the passes' global setups find them up to date instead of both building them at once.
# The crash and torture files (test/crash) SIGKILL child processes and must hold on a loaded machine: alone they run
# beside a CPU hog of their own (one busy process per core, test/support/cpu-hog.ts); here they run in a third lane
# beside the two, whose files load both cores, with the hog off (TANDEM_TEST_CPU_HOG=0), instead of after the lanes
# (about three minutes, mostly the hog's). They take a few minutes, so they run once, on PGlite
# (`TEST_DATABASE_URL=… npx vitest run test/crash` runs them on PostgreSQL)
rm -f tmp/vitest-*.json tmp/test-*.rc
node scripts/build-web.mjs || rc=1
node scripts/build.mjs || rc=1
workers=${TANDEM_TEST_WORKERS:-1}
mapfile -t marked < <(grep -rlx --include='*.test.ts' '// @backend-independent' src test | sort)
once=() once_excludes=()
for f in "${marked[@]}"; do
  once_excludes+=(--exclude "$f")
  case $f in test/e2e/dashboard-lt.test.ts) ;; *) once+=("$f") ;; esac
done
run_once() { # the once pass (none when no file is left for it: vitest given no file would run them all)
  if [ ${#once[@]} -eq 0 ]; then echo "no backend-independent file outside the PGlite lane"; return 0; fi
  run_suite once "" "${once[@]}" --maxWorkers="$workers"
}
lane() { # log name, then the command; its exit code goes to tmp/test-<name>.rc
  local name=$1; shift
  "$@" >"tmp/test-$name.log" 2>&1
  echo $? >"tmp/test-$name.rc"
}
echo "== tests: pglite${TEST_DATABASE_URL:+, postgres} and once (${#marked[@]} backend-independent files), in two lanes, and the crash files beside them (each pass's output when all end)"
( TANDEM_TEST_CPU_HOG=0 lane pglite-crash run_suite pglite-crash "" test/crash ) &
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  ( lane typecheck typecheck
    lane postgres run_suite postgres "$TEST_DATABASE_URL" --exclude 'test/crash/**' "${once_excludes[@]}" --maxWorkers="$workers"
    lane once run_once ) &
else
  ( lane typecheck typecheck
    lane once run_once ) &
fi
pglite_excludes=()
for f in "${once[@]}"; do pglite_excludes+=(--exclude "$f"); done
lane pglite run_suite pglite "" --exclude 'test/crash/**' "${pglite_excludes[@]}" --maxWorkers="$workers"
wait
for name in typecheck pglite ${TEST_DATABASE_URL:+postgres} once pglite-crash; do
  cat "tmp/test-$name.log"
  [ "$(cat "tmp/test-$name.rc" 2>/dev/null)" = 0 ] || rc=1
done

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const name of ["pglite", "postgres", "once", "pglite-crash", "postgres-crash"]) {
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
