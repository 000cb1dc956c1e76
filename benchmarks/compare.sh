#!/usr/bin/env bash
# Runs `gauntlet bench` and the PyTorch reference on the same workloads, one after the other in
# the same session, and prints Gauntlet/PyTorch ratios. When Node.js and the optional ONNX Runtime
# reference are installed (cd benchmarks/reference/ort && npm ci --ignore-scripts), it also runs
# cnn-small inference in ONNX Runtime on the same model and images and prints Gauntlet/ORT.
# Usage: benchmarks/compare.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
quick="${1:-}"
dotnet build "$root/src/Gauntlet.Cli/Gauntlet.Cli.csproj" -c Release -nologo -v q >/dev/null
g="$(dotnet "$root/src/Gauntlet.Cli/bin/Release/net10.0/gauntlet.dll" bench $quick)"
t="$(/usr/bin/python3 "$root/benchmarks/reference/torch_reference.py" $quick)"
o=""
if command -v node >/dev/null && [ -d "$root/benchmarks/reference/ort/node_modules/onnxruntime-node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  dotnet "$root/src/Gauntlet.Cli/bin/Release/net10.0/gauntlet.dll" bench --export "$tmp" $quick >/dev/null
  batch=250; [ -n "$quick" ] && batch=20
  o="$(node "$root/benchmarks/reference/ort/ort_reference.js" "$tmp" --threads "$(nproc)" --batch "$batch" --repeats "$([ -n "$quick" ] && echo 1 || echo 3)")"
fi
echo "$g"
echo "$t"
[ -n "$o" ] && echo "$o"
cores="$(nproc)"
echo
echo "== Gauntlet / PyTorch (same run) =="
# gauntlet table rows: │ n │ 1-thread │ all-threads │
echo "$g" | awk -F'│' 'NF>=4 && $2 ~ /^ *[0-9]+ *$/ {gsub(/ /,""); print $2, $3, $4}' | while read -r n one all; do
  t1="$(echo "$t" | awk -v n="$n" '$1=="sgemm" && $2==n && $4==1 {print $6}')"
  ta="$(echo "$t" | awk -v n="$n" -v c="$cores" '$1=="sgemm" && $2==n && $4==c {print $6}')"
  awk -v n="$n" -v a="$one" -v b="$t1" -v c="$all" -v d="$ta" -v k="$cores" \
    'BEGIN {printf "SGEMM %5d  1 thread %7.1f / %7.1f = %.2fx   %d threads %7.1f / %7.1f = %.2fx\n", n, a, b, a/b, k, c, d, c/d}'
done
gi="$(echo "$g" | sed -n 's/^cnn-small inference: \([0-9.]*\) images\/s.*/\1/p')"
# PyTorch's better figure of all cores and one intra-op thread (see torch_reference.py).
ti="$(echo "$t" | awk '$1=="inference" || $1=="inference_1thread" {if ($3>m) m=$3} END {print m}')"
gp="$(echo "$g" | sed -n 's/^PGD-20: \([0-9.]*\) images\/s.*/\1/p')"
tp="$(echo "$t" | awk '$1=="pgd20" || $1=="pgd20_1thread" {if ($3>m) m=$3} END {print m}')"
awk -v a="$gi" -v b="$ti" 'BEGIN {printf "cnn-small inference  %8.1f / %8.1f images/s = %.2fx  (PyTorch: better of all cores and 1 intra-op thread)\n", a, b, a/b}'
awk -v a="$gp" -v b="$tp" 'BEGIN {printf "PGD-20               %8.1f / %8.1f images/s = %.2fx  (PyTorch: better of all cores and 1 intra-op thread)\n", a, b, a/b}'
if [ -n "$o" ]; then
  oi="$(echo "$o" | awk '$1=="ort_inference" {print $3}')"
  awk -v a="$gi" -v b="$oi" 'BEGIN {printf "cnn-small inference  %8.1f / %8.1f images/s = %.2fx  (Gauntlet / ONNX Runtime)\n", a, b, a/b}'
else
  echo "ONNX Runtime reference skipped (needs node and: cd benchmarks/reference/ort && npm ci --ignore-scripts)"
fi
