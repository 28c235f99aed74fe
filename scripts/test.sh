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

# Each pass runs its files one after the other in one process that keeps the modules it imported (--no-isolate):
# a new process per file, importing the engine again, cost about 2-3 s per file (18 min 35 s -> 13 min 11 s for the
# whole run here, user CPU 23 -> 15 min). Every test file owns what it opens (databases, servers, ports) and closes
# it, so the files do not see each other. A file that replaces a module (vi.mock) needs a module graph of its own:
# those run after, isolated, as the pass "<name>-isolated"
mapfile -t isolated < <(grep -rl --include='*.test.ts' 'vi\.mock(' src test | sort)
isolated_excludes=()
for f in "${isolated[@]}"; do isolated_excludes+=(--exclude "$f"); done
run_pass() { # name, database URL, the name of the array of the pass's isolated files, then the vitest arguments of the rest
  local name=$1 url=$2 r=0
  local -n pass_isolated=$3
  shift 3
  run_suite "$name" "$url" --no-isolate "${isolated_excludes[@]}" "$@" || r=1
  if [ ${#pass_isolated[@]} -gt 0 ]; then run_suite "$name-isolated" "$url" "${pass_isolated[@]}" --maxWorkers="$workers" || r=1; fi
  return $r
}
in_list() { # value, then a list: whether the value is in it
  local x=$1; shift
  for y in "$@"; do [ "$x" = "$y" ] && return 0; done
  return 1
}

# Files marked `// @backend-independent` (a line of its own: pure code, or PGlite whatever TEST_DATABASE_URL says;
# test/architecture/backend-independent.test.ts proves none reaches the test database) run once, on PGlite; every other
# file runs in the PGlite pass and, with TEST_DATABASE_URL, in the PostgreSQL pass. The passes are independent (each test
# file has its own databases and ports), so they run in three lanes side by side, one test file at a time each
# (TANDEM_TEST_WORKERS each), which keeps both cores busy while a file waits on a child process, a timer or the server:
# the PGlite pass with the longest marked file (the browser file test/e2e/dashboard-lt.test.ts); the type check, the
# PostgreSQL pass, then the marked files under src/ ("once-src", mostly pure code); the crash files, then the other
# marked files ("once": end-to-end and CLI files). Each pass's output is printed whole when all lanes are done. In
# clean-clone `.ci/run`s of 2026-12-04 here (one process per pass, above): with every other marked file after the
# crash files, the lanes took 780 s, 34 + 620 s and 359 + 443 s (13 min 59 s); with the browser file there too and the
# src/ ones after PostgreSQL, 633 s, 42 + 630 + 85 s and 310 + 480 s (13 min 51 s), the browser file 100 s of them.
# The dashboard and the server (dist/, which the tests that start the CLI or a child process run, test/support/compiled.ts)
# are built once first, so the passes' global setups find them up to date instead of both building them at once.
# The crash and torture files (test/crash) SIGKILL child processes and must hold on a loaded machine: alone they run
# beside a CPU hog of their own (one busy process per core, test/support/cpu-hog.ts); here they run beside the other
# lanes, whose files load both cores, with the hog off (TANDEM_TEST_CPU_HOG=0). They run once, on PGlite
# (`TEST_DATABASE_URL=… npx vitest run test/crash` runs them on PostgreSQL)
rm -f tmp/vitest-*.json tmp/test-*.rc
node scripts/build-web.mjs || rc=1
node scripts/build.mjs || rc=1
workers=${TANDEM_TEST_WORKERS:-1}
mapfile -t marked < <(grep -rlx --include='*.test.ts' '// @backend-independent' src test | sort)
once=() once_src=() once_excludes=()
for f in "${marked[@]}"; do
  once_excludes+=(--exclude "$f")
  case $f in src/*) once_src+=("$f") ;; test/e2e/dashboard-lt.test.ts) ;; *) once+=("$f") ;; esac
done
# The isolated files of the PGlite and PostgreSQL passes (the marked files' are found by run_marked)
iso_both=()
for f in "${isolated[@]}"; do
  case $f in test/crash/*) continue ;; esac
  in_list "$f" "${marked[@]}" || iso_both+=("$f")
done
run_marked() { # pass name, then its marked files (none: nothing to run, as vitest given no file would run them all)
  local name=$1; shift
  local iso=()
  if [ $# -eq 0 ]; then echo "no backend-independent file for the pass $name"; return 0; fi
  for f in "$@"; do in_list "$f" "${isolated[@]}" && iso+=("$f"); done
  run_pass "$name" "" iso "$@" --maxWorkers="$workers"
}
lane() { # log name, then the command; its exit code goes to tmp/test-<name>.rc
  local name=$1; shift
  "$@" >"tmp/test-$name.log" 2>&1
  echo $? >"tmp/test-$name.rc"
}
echo "== tests: pglite${TEST_DATABASE_URL:+, postgres}, the crash files and once (${#marked[@]} backend-independent files), in three lanes (each pass's output when all end)"
( TANDEM_TEST_CPU_HOG=0 lane pglite-crash run_suite pglite-crash "" test/crash
  lane once run_marked once "${once[@]}" ) &
( lane typecheck typecheck
  if [ -n "${TEST_DATABASE_URL:-}" ]; then
    lane postgres run_pass postgres "$TEST_DATABASE_URL" iso_both --exclude 'test/crash/**' \
      "${once_excludes[@]}" --maxWorkers="$workers"
  fi
  lane once-src run_marked once-src "${once_src[@]}" ) &
# The PGlite pass runs the browser file test/e2e/dashboard-lt.test.ts too (marked, but no other pass has room for it)
pglite_excludes=()
for f in "${once[@]}" "${once_src[@]}"; do pglite_excludes+=(--exclude "$f"); done
lane pglite run_pass pglite "" iso_both --exclude 'test/crash/**' "${pglite_excludes[@]}" \
  --maxWorkers="$workers"
wait
for name in typecheck pglite ${TEST_DATABASE_URL:+postgres} once-src once pglite-crash; do
  cat "tmp/test-$name.log"
  [ "$(cat "tmp/test-$name.rc" 2>/dev/null)" = 0 ] || rc=1
done

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
const passes = ["pglite", "postgres", "once-src", "once", "pglite-crash", "postgres-crash"].flatMap((n) => [n, `${n}-isolated`]);
for (const name of passes) {
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
