#!/bin/sh
# The figures of docs/privacy.md's extraction and defence tables (the 10,000-query run took 19 minutes
# on a heavily shared 2-core machine; the defence runs use a small mlp copy to stay in minutes).
# Usage: tools/privacy/measure_privacy.sh OUT_DIR [GAUNTLET]   (GAUNTLET defaults to `gauntlet`)
# Needs Debian's dataset-fashion-mnist. The victim is the embedded demo model (cnn-small trained 2
# epochs on the 60,000 training images, docs/data.md); the attacker's queries are the 10,000 test
# images it never saw; fidelity is measured on the first 10,000 (or 2,000) training images, none
# of which is sent as a query.
set -eu
out=${1:?output folder}
g=${2:-gauntlet}
fm=/usr/share/datasets/fashion-mnist
mkdir -p "$out"
eval_args="--eval-data $fm/train-images-idx3-ubyte.gz --eval-labels $fm/train-labels-idx1-ubyte.gz"

# 1. cnn-small victim, 10,000 label-only queries, cnn-small copy, PGD transfer, PRADA monitor.
$g extract demo --query-data fashion-mnist --budget 10000 $eval_args --eval-samples 10000 \
  --arch cnn-small --mode labels --epochs 10 --seed 0 --transfer-samples 500 --monitor --json "$out/extract-10k.json"

# 2. Each API defence against membership inference on the overfit MLP (docs/privacy.md "Measured").
for d in none round:2 topk:1 label-only noise:0.05; do
  opt=""; [ "$d" = none ] || opt="--defense $d"
  $g membership tests/Gauntlet.Privacy.Tests/Fixtures/fmnist_mlp_overfit.onnx \
    --members $fm/train-images-idx3-ubyte.gz --members-labels $fm/train-labels-idx1-ubyte.gz \
    --nonmembers $fm/t10k-images-idx3-ubyte.gz --nonmembers-labels $fm/t10k-labels-idx1-ubyte.gz \
    --samples 1000 $opt --json "$out/membership-$(echo $d | tr ':' '_').json"
done

# 3. Each API defence against a 2,000-query probabilities-mode extraction (mlp copy, 5 epochs).
for d in none round:2 topk:1 label-only noise:0.05; do
  opt=""; [ "$d" = none ] || opt="--defense $d"
  $g extract demo --query-data fashion-mnist --budget 2000 $eval_args --eval-samples 2000 \
    --arch mlp --mode probabilities --epochs 5 --seed 0 --transfer-eps 0 $opt --json "$out/extract-2k-$(echo $d | tr ':' '_').json"
done

