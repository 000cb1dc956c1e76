#!/usr/bin/env bash
# Installs the Debian packages Gauntlet's main job and tests read data from, and chromium,
# which renders report.html headless in the Audit tests.
# Idempotent: does nothing when they are already installed. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(dataset-fashion-mnist libonnx-testdata chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
