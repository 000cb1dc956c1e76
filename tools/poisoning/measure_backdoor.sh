#!/bin/sh
# The figures of docs/poisoning.md "Measured": a cnn-small trained on Fashion-MNIST with 5% BadNets
# poison (4×4 white square, bottom-right, target 0) and its clean twin (same seed, same first
# 54,000 images), then `gauntlet backdoor` on both, and the activation-clustering and
# spectral-signature precision/recall against the poison manifest (jq).
# Usage: tools/poisoning/measure_backdoor.sh OUT_DIR [GAUNTLET]   (GAUNTLET defaults to `gauntlet`)
# Needs Debian's dataset-fashion-mnist. Each step prints wall and CPU time (/usr/bin/time).
set -eu
out=${1:?output folder}
g=${2:-gauntlet}
mkdir -p "$out/models"
t() { /usr/bin/time -f "%e s wall, %U s user, %S s system: $*" "$@"; }

t $g poison --data fashion-mnist --attack badnets --position bottom-right --size 4 --pattern white \
  --target 0 --rate 0.05 --seed 1 --out "$out/poison"
t $g train --data "$out/poison/poisoned.npz" --arch cnn-small --epochs 2 --seed 1 --out "$out/models/poisoned.gntp"
t $g train --data fashion-mnist --samples 54000 --arch cnn-small --epochs 2 --seed 1 --out "$out/models/clean.gntp"

t $g backdoor "$out/models/poisoned.gntp" --data fashion-mnist --train "$out/poison/poisoned.npz" \
  --known-trigger "$out/poison/manifest.json" --seed 1 --json "$out/poisoned.json" --out "$out/out-poisoned"
t $g backdoor "$out/models/clean.gntp" --data fashion-mnist --train fashion-mnist \
  --known-trigger "$out/poison/manifest.json" --seed 1 --json "$out/clean.json" --out "$out/out-clean"

# Precision and recall of each training-data detector's suspects against the planted samples.
for d in activation_clustering spectral_signatures; do
  jq -n --arg d "$d" --slurpfile a "$out/poisoned.json" --slurpfile m "$out/poison/manifest.json" '
    ($m[0].indices | map({key: tostring, value: true}) | from_entries) as $planted
    | [$a[0].suspect_training_samples[] | select(.detectors | index($d)) | .index] as $s
    | ([$s[] | select($planted[tostring])] | length) as $tp
    | {detector: $d, flagged: ($s | length), true_positives: $tp, planted: ($planted | length),
       precision: (if ($s | length) > 0 then $tp / ($s | length) else null end),
       recall: ($tp / ($planted | length))}'
done
