#!/usr/bin/env bash
# Installs what the TESTS read besides the repository: Debian's Fashion-MNIST and ONNX backend
# test data, chromium (renders report.html headless), NumPy's and matplotlib's shipped sample
# files (real-world .npy/.npz/PNG inputs for the readers), PostgreSQL (the registry tests start a
# throwaway server with scripts/postgres-test-server.sh). Gauntlet itself needs none of them:
# `gauntlet audit` runs on the embedded demo with no install and no root.
# Idempotent: does nothing when they are already installed. Needs root (or sudo) for apt-get,
# and waits up to 10 minutes for another apt/dpkg run to release its lock instead of failing.
set -euo pipefail

packages=(dataset-fashion-mnist libonnx-testdata chromium wrk python3-numpy python-matplotlib-data postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  lock=(-o DPkg::Lock::Timeout=600)
  echo "installing: ${missing[*]}"
  # apt-get update takes the lists lock, which DPkg::Lock::Timeout does not cover: retry it.
  for attempt in $(seq 1 60); do
    if $SUDO apt-get "${lock[@]}" update -q; then break; fi
    [ "$attempt" -eq 60 ] && { echo "setup: apt-get update kept failing"; exit 1; }
    echo "setup: apt-get update failed (lock held?), retrying in 10 s"
    sleep 10
  done
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${lock[@]}" install -y -q "${missing[@]}"
fi
