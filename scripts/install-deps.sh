#!/usr/bin/env bash
# Installs the system libraries ner builds against, only those that are missing.
# Idempotent: a second run installs nothing and takes a second.
set -euo pipefail
packages=(libutf8proc-dev libopenblas-dev zlib1g-dev pkg-config wordnet-base)
missing=()
for p in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"install ok installed"* ]] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
