#!/usr/bin/env bash
# The README's test command: installs test data (scripts/setup.sh), builds with warnings as
# errors, runs every test project, prints each failing test with its message and each skipped
# test with its reason, and ends with one line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build Gauntlet.slnx -c Release -warnaserror 2>&1 | tail -n 3
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  dotnet build Gauntlet.slnx -c Release -warnaserror 2>&1 | grep -E "error|warning" | sort -u | head -50
  echo "build failed"
  exit 1
fi

dotnet test Gauntlet.slnx -c Release --no-build --logger "console;verbosity=detailed" 2>&1 | tee "$log" \
  | grep -E "^\s*(Total tests|Passed:|Failed:|Skipped:)|conformance|accuracy|rate|MB/s|GFLOP"
status=${PIPESTATUS[0]}

# Each failed or skipped test with the message that follows it in the detailed log.
report() {
  awk -v kind="$1" '
    $1 == kind && NF >= 2 { name = $2; want = 1; next }
    want && /Error Message:/ { getline; sub(/^ +/, ""); print "  " kind ": " name ": " $0; want = 0; next }
    want && /^  (Passed|Failed|Skipped) / { print "  " kind ": " name; want = 0 }
  ' "$log"
}
failures=$(report Failed)
skips=$(report Skipped | sort -u)
[ -n "$failures" ] && { echo "failed tests:"; echo "$failures"; }
[ -n "$skips" ] && { echo "skipped tests:"; echo "$skips"; }

passed=$(grep -Eo "Passed: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo "Failed: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -Eo "Skipped: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
  exit 1
fi
