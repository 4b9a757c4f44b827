#!/usr/bin/env bash
# Trains every training config in configs/ for 20 steps with the given genxai
# binary and prints the SHA-256 of each checkpoint's tensors (weights and
# optimizer state): the tensors_sha256 its metadata records, which is the
# SHA-256 of the tensors encoded as a format-1 checkpoint.safetensors (that
# whole file, for a binary that writes format 1). Two builds that print the
# same lines train bit for bit alike; used to check that a refactoring
# changes no numbers.
#
#   scripts/steps20.sh BINARY OUTDIR [--set key=value ...] > hashes.txt
#
# CONFIGS="a b" limits the run to those configs. Extra arguments go to
# every training, e.g. --set train.executor=plan; then
# go run ./scripts/ckdiff OUTDIR_A/NAME OUTDIR_B/NAME compares two builds'
# or executors' checkpoints tensor by tensor.
set -euo pipefail
bin=$(realpath "$1"); out=$2; shift 2; extra=("$@")
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"; out=$(realpath "$out")
cd "$root"   # configs name data paths relative to the repository
for cfg in "$root"/configs/*.yaml; do
  name=$(basename "$cfg" .yaml)
  grep -q '^model:' "$cfg" || continue   # training configs only
  if [ -n "${CONFIGS:-}" ] && [[ " $CONFIGS " != *" $name "* ]]; then continue; fi
  sets=(--set train.steps=20 --set train.warmup_steps=0 "${extra[@]}")
  grep -q '^  classifier_run:' "$cfg" && sets+=(--set 'metrics.classifier_run=""')
  if ! "$bin" train -c "$cfg" "${sets[@]}" --out "$out/$name" --force >"$out/$name.log" 2>&1; then
    echo "$name FAILED (see $out/$name.log)"; continue
  fi
  ck="$out/$name/checkpoint.safetensors"
  sum=$(head -c 65536 "$ck" | grep -ao 'tensors_sha256\\":\\"[0-9a-f]*' | head -1 | sed 's/.*"//' || true)
  [ -n "$sum" ] || sum=$(sha256sum "$ck")   # format 1: the file is the tensors
  echo "$name $(echo "$sum" | cut -c1-16)"
done
