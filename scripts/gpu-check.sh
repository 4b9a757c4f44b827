#!/usr/bin/env bash
# GPU check, part 1: the CUDA host layer (driver bindings, cuBLAS, the
# function table) against a real GPU. Two steps, because the GPU machine has
# no Go toolchain and no network:
#
#   scripts/gpu-check.sh build     here: CGO_ENABLED=0 test binary of ./cuda
#                                  and the genxai binary, into tmp/gpu-check/
#                                  (ignored by .gitignore's /tmp/)
#   scripts/gpu-check.sh run       on the GPU machine, from the repository root:
#                                  runs them with GENXAI_GPU=1 and writes
#                                  report.txt and the logs to $OUT (or ./gpu-out)
#
# With the device tool: build here, then run with carry ["tmp/gpu-check"] and the
# command `scripts/gpu-check.sh run` (timeout_s 300 leaves time to rerun).
# Record each run (date, device, results) in docs/gpu.md.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=tmp/gpu-check

case "${1:-}" in
build)
  set -e
  mkdir -p "$bin"
  rm -f "$bin"/*
  CGO_ENABLED=0 go test -c -ldflags="-s -w" -o "$bin/cuda.test" ./cuda
  CGO_ENABLED=0 go build -ldflags="-s -w" -o "$bin/genxai" ./cmd/genxai
  # Compressed: the device tool carries at most 64 MiB, the two binaries
  # are about 60 MiB as they are.
  gzip -9 "$bin/cuda.test" "$bin/genxai"
  ls -l "$bin"
  ;;
run)
  out=${OUT:-$root/gpu-out}
  mkdir -p "$out"
  report=$out/report.txt
  [ -f "$bin/cuda.test.gz" ] || { echo "no $bin/cuda.test.gz: run 'scripts/gpu-check.sh build' first and carry $bin" >&2; exit 2; }
  for f in cuda.test genxai; do gunzip -c "$bin/$f.gz" >"$out/$f" && chmod +x "$out/$f" || exit 2; done
  bin=$out
  {
    echo "gpu-check part 1 (CUDA host layer), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi failed"
    echo "--- genxai devices"
    "$bin/genxai" devices 2>&1
  } >"$report"
  # The test binary runs in its package folder (for any testdata).
  (cd cuda && GENXAI_GPU=1 timeout 240 "$bin/cuda.test" -test.v -test.count=1 2>&1) >"$out/cuda-tests.log"
  rc=$?
  {
    echo "--- go test ./cuda with GENXAI_GPU=1: exit $rc"
    grep -E '^(\s*--- (PASS|FAIL|SKIP)|PASS|FAIL|ok)' "$out/cuda-tests.log"
  } >>"$report"
  cat "$report"
  exit $rc
  ;;
*)
  sed -n '2,14p' "$0" >&2
  exit 2
  ;;
esac
