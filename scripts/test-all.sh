#!/usr/bin/env bash
# The project's one test command (`npm test`; .ci/run calls it): installs what
# is missing, builds, type-checks, lints, then runs every vitest project — the
# unit tests, the lab's smoke test and the end-to-end tests in real Chromium —
# inside a private network namespace that has only `lo`. Prints the total time.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "setup"
bash scripts/setup.sh

step "build"
npm run --silent build

step "typecheck"
npm run --silent typecheck

step "lint"
npm run --silent lint

step "tests: unit, lab, end-to-end (private network namespace)"
mkdir -p artifacts
status=0
bash scripts/netns-run.sh npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json || status=$?

step "benchmark smoke"
bash scripts/netns-run.sh npx tsx scripts/bench/bench.ts --smoke || status=$?
bash scripts/netns-run.sh npx tsx scripts/bench/controls.ts --smoke || status=$?
bash scripts/netns-run.sh npx tsx scripts/bench/frozen.ts --smoke || status=$?
bash scripts/netns-run.sh npx tsx scripts/bench/memory.ts || status=$?
bash scripts/netns-run.sh npx tsx scripts/bench/day.ts --smoke || status=$?
bash scripts/netns-run.sh npx tsx scripts/bench/worker-sleep.ts --smoke || status=$?

# One closing line any CI reader understands.
node -e '
  const r = require("./artifacts/vitest.json");
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0)} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' 2>/dev/null || echo "0 passed, 1 failed (no test report was written)"
echo "total time: $(( $(date +%s) - started )) s"
exit "$status"
