#!/usr/bin/env bash
# Load test of `gauntlet serve demo` on loopback with wrk (Debian package; scripts/setup.sh installs it).
# Runs the server with batching on (--max-batch 32 --max-wait-ms 2) and off (--max-batch 1),
# each for DURATION seconds at CONNECTIONS connections, and prints throughput, p50/p99 latency,
# non-200 answers, and the engine's own model time per batch and per sample from the server's
# /metrics (gauntlet_model_seconds, gauntlet_batch_size) measured in the same run.
# Then a soak: RSS of the server sampled every 10 s for SOAK seconds under load.
# Usage: bash benchmarks/serving/load.sh [DURATION=20] [CONNECTIONS=64] [SOAK=120]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-20}
connections=${2:-64}
soak=${3:-120}
dll=src/Gauntlet.Cli/bin/Release/net10.0/gauntlet.dll
[ -f "$dll" ] || dotnet build src/Gauntlet.Cli -c Release >/dev/null
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk, or bash scripts/setup.sh)"; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work/sample.bin" <<'PY' 2>/dev/null || head -c 3136 /dev/zero > "$work/sample.bin"
import struct, sys
open(sys.argv[1], "wb").write(struct.pack("<784f", *[(i % 17) / 17 for i in range(784)]))
PY
export GAUNTLET_SAMPLE="$work/sample.bin"

start_server() {
  dotnet "$dll" serve demo --listen 127.0.0.1:0 --log "$work/log-$1" --no-squeeze --no-prada "${@:2}" > "$work/out-$1" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/out-$1" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  [ -n "$url" ] || { cat "$work/out-$1"; exit 1; }
}

metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

run() {
  local name=$1; shift
  start_server "$name" "$@"
  wrk -t2 -c4 -d3s -s benchmarks/serving/post.lua "$url/v1/predict" >/dev/null   # warm-up
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s benchmarks/serving/post.lua "$url/v1/predict" > "$work/wrk-$name"
  local rps p50 p99 non200 msum bcount ssum
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk-$name")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk-$name")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk-$name")
  non200=$(awk '/non-200/ { print $2 }' "$work/wrk-$name")
  sockerr=$(grep -c 'Socket errors' "$work/wrk-$name" || true)
  msum=$(metric gauntlet_model_seconds_sum); bcount=$(metric gauntlet_model_seconds_count); ssum=$(metric gauntlet_batch_size_sum)
  python3 -c "import sys; m,b,s=map(float,sys.argv[1:4]); print(f'$name: {float(\"$rps\"):.0f} req/s, p50 $p50, p99 $p99, non-200 $non200, socket-error lines $sockerr; engine {1000*m/b:.2f} ms per batch, mean batch {s/b:.1f}, {1000*m/s:.3f} ms per sample')" "$msum" "$bcount" "$ssum"
  if [ "$name" = batching-on ] && [ "$soak" -gt 0 ]; then
    wrk -t2 -c"$connections" -d"${soak}s" -s benchmarks/serving/post.lua "$url/v1/predict" > "$work/wrk-soak" &
    local w=$!
    echo -n "soak RSS (MiB, every 10 s):"
    for _ in $(seq 1 $((soak / 10))); do sleep 10; echo -n " $(( $(awk '/VmRSS/ { print $2 }' /proc/$server/status) / 1024 ))"; done
    wait $w; echo; echo "soak: $(awk '/Requests\/sec/ { print $2 }' "$work/wrk-soak") req/s, non-200 $(awk '/non-200/ { print $2 }' "$work/wrk-soak")"
  fi
  kill "$server"; wait "$server" 2>/dev/null || true
}

echo "loopback, $connections connections, ${duration}s each, $(nproc) cores; demo CNN, squeezing and PRADA off, every decision fsync'd to the log"
run batching-on --max-batch 32 --max-wait-ms 2
run batching-off --max-batch 1
