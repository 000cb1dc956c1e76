#!/usr/bin/env bash
# Robust training on Fashion-MNIST cnn-small (docs/defenses.md, "Measured"): trains PGD-AT, TRADES
# and fast-AT at ε 0.1 for 2 epochs on the first $SAMPLES training images, then attacks the first
# $EVAL test images with PGD-20 (random start, α = ε/4) at ε 0.1. Needs dataset-fashion-mnist.
# Usage: bash tools/defenses/measure_robust_training.sh [OUT_DIR]   (SAMPLES, EVAL override)
set -euo pipefail
OUT=${1:-/tmp/gauntlet-defenses}
SAMPLES=${SAMPLES:-20000}
EVAL=${EVAL:-1000}
G=${GAUNTLET:-"dotnet run --project src/Gauntlet.Cli -c Release --no-build --"}
mkdir -p "$OUT"
for method in pgd-at trades fast-at; do
  extra=""
  [ "$method" = trades ] && extra="--beta 6"
  /usr/bin/time -f "$method train wall %e s" $G train --arch cnn-small --defense "$method" --eps 0.1 $extra \
    --epochs 2 --samples "$SAMPLES" --seed 0 --out "$OUT/$method.gntp" > "$OUT/$method.train.txt" 2>&1
  $G attack "$OUT/$method.gntp" --attack pgd --eps 0.1 --steps 20 --samples "$EVAL" --seed 0 \
    --json "$OUT/$method.pgd20.json" > "$OUT/$method.pgd20.txt" 2>&1
  echo "$method: $(grep -o '"test_accuracy": [0-9.]*' "$OUT/$method.train.json" | tail -1), $(grep -Eo '"(clean|robust)_accuracy": [0-9.]*' "$OUT/$method.pgd20.json" | tr '\n' ' ')"
done
