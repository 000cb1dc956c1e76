#!/usr/bin/env bash
# The README's test command: installs test data, builds with warnings as errors, runs every
# test project, and prints one closing line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

log=$(mktemp)
dotnet build Gauntlet.slnx -c Release -warnaserror 2>&1 | tail -n 3
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  dotnet build Gauntlet.slnx -c Release -warnaserror 2>&1 | grep -E "error|warning" | sort -u | head -50
  echo "build failed"
  exit 1
fi

dotnet test Gauntlet.slnx -c Release --no-build --logger "console;verbosity=detailed" 2>&1 | tee "$log" \
  | grep -E "^\s*(Total tests|Passed:|Failed:|Skipped:)|\[FAIL\]|^\s+Failed |Error Message|conformance|accuracy|rate|MB/s|GFLOP"
status=${PIPESTATUS[0]}

passed=$(grep -Eo "Passed: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo "Failed: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -Eo "Skipped: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
rm -f "$log"
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
  exit 1
fi
