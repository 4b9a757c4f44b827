#!/usr/bin/env bash
# Trains every training config in configs/ for 20 steps on the tape and on
# the plan executor with the given genxai binary (scripts/steps20.sh) and
# prints, per config, the worst relative difference of any checkpoint tensor
# (max |tape − plan| / max |tape|: parameters, optimizer moments, running
# statistics; scripts/ckdiff). The issue's bar is 1e-3.
#
#   scripts/parity20.sh BINARY OUTDIR
set -euo pipefail
bin=$1; out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
"$root/scripts/steps20.sh" "$bin" "$out/tape" --set train.executor=tape > "$out/tape.txt"
"$root/scripts/steps20.sh" "$bin" "$out/plan" --set train.executor=plan > "$out/plan.txt"
cd "$root"
go build -o "$out/ckdiff" ./scripts/ckdiff
for d in "$out"/tape/*/; do
  name=$(basename "$d")
  [ -f "$out/plan/$name/checkpoint.safetensors" ] || { echo "$name: no plan checkpoint (see $out/plan/$name.log)"; continue; }
  worst=$("$out/ckdiff" "$d" "$out/plan/$name" | tail -1)
  echo "$name ${worst#worst: }"
done
