#!/usr/bin/env bash
# Trains cnn-small twice on Fashion-MNIST with Gauntlet (standard, then PGD adversarial training at
# L∞ ε 0.1) and audits both with the default plan on the test split; prints both scorecards.
# Reproduces the "standard vs adversarially trained" figures quoted in docs/scoring.md.
# Usage: tools/audit/standard_vs_adversarial.sh [OUT_DIR]   (needs dataset-fashion-mnist: scripts/setup.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/out/standard-vs-adversarial}"
mkdir -p "$out"
dotnet build "$root/src/Gauntlet.Cli/Gauntlet.Cli.csproj" -c Release -nologo -v q >/dev/null
g() { dotnet "$root/src/Gauntlet.Cli/bin/Release/net10.0/gauntlet.dll" "$@"; }
g train --arch cnn-small --data fashion-mnist --epochs 1 --seed 0 --out "$out/standard.onnx"
g train --arch cnn-small --data fashion-mnist --epochs 1 --seed 0 --adversarial pgd --adv-eps 0.1 --adv-steps 5 --out "$out/adversarial.onnx"
for name in standard adversarial; do
  # Exit 1 would only mean a gate failed; there are none here.
  g audit "$out/$name.onnx" --data fashion-mnist --out "$out/$name-audit" | grep -E "Robustness score|critical|high|medium|low" || true
done
