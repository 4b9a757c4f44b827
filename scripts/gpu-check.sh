#!/usr/bin/env bash
# GPU check, in two parts that each fit one call of the device tool:
#
# correct: the kernel conformance suite under compute-sanitizer's memcheck
#   and racecheck when the machine has it, then the CUDA host layer (driver
#   bindings, cuBLAS, the function table), the conformance suite, and every
#   model family's first-step gradients, three steps and 200-step loss
#   curves against the CPU (go test ./cuda under GENXAI_GPU=1), and
#   configs/vae-fashion-mlp.yaml trained on the GPU (issue target:
#   test_loss <= 246).
# speed: the training step of the VAE, the CNN classifier, the conditional
#   DCGAN and the transformer (configs/vae-fashion-mlp, cnn-fashion,
#   cgan-fashion, ar-shakespeare) timed by `genxai bench --device cuda`
#   beside the PyTorch peers (scripts/bench/*_torch.py --device cuda, eager,
#   then torch.compile(mode="reduce-overhead")) on the same GPU, genxai and
#   eager in alternating rounds, and scripts/bench/gpu_report.py's table:
#   throughput ratios against the issue's targets (VAE >= 1.5x eager, the
#   others >= 1.0x) and the fraction of the roofline floor each side reaches.
#
# The GPU machine has no Go toolchain and no network, so:
#
#   scripts/gpu-check.sh build          here: CGO_ENABLED=0 test binary of
#                                       ./cuda and the genxai binary, gzipped,
#                                       and Fashion-MNIST, into tmp/gpu-check/
#                                       (ignored by .gitignore's /tmp/)
#   scripts/gpu-check.sh run [PART]     on the GPU machine, from the
#                                       repository root: PART is correct,
#                                       speed or all (default all); writes
#                                       report.txt and the logs to $OUT (or
#                                       ./gpu-out)
#
# With the device tool: build here, then run with carry ["tmp/gpu-check"]
# (about 52 MB) and the command `scripts/gpu-check.sh run correct`
# (timeout_s 600; its parts have timeouts of 180, 2 x 80 and 200 s), then
# `scripts/gpu-check.sh run speed` (timeout_s 600; it skips what would not
# finish within SPEED_BUDGET seconds, default 540). Record each run (date,
# device, results) in docs/gpu.md.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=tmp/gpu-check

# correct runs the correctness part of `run` (see the top), adding to
# $report and setting rc.
correct() {
  # DEVICE=cpu and STEPS=N rehearse the part on a machine without a GPU:
  # the GPU tests skip, the training runs N steps on the CPU.
  local device=${DEVICE:-cuda} gpu=1
  [ "$device" = cuda ] || gpu=0
  # First the kernels under compute-sanitizer (memory errors and races make
  # every later result suspect), then the whole test binary.
  local sanitizer
  sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  for tool in memcheck racecheck; do
    if [ -z "$sanitizer" ]; then
      echo "--- compute-sanitizer $tool: not on this machine, skipped" >>"$report"
      continue
    fi
    (cd cuda && GENXAI_GPU=$gpu timeout 80 "$sanitizer" --tool "$tool" --error-exitcode 3 "$bin/cuda.test" \
      -test.run 'TestBackendConformanceOnGPU' -test.count=1 2>&1) >"$out/sanitizer-$tool.log"
    local src=$?
    [ $src -ne 0 ] && rc=$src
    { echo "--- compute-sanitizer $tool over the conformance suite: exit $src"; tail -3 "$out/sanitizer-$tool.log"; } >>"$report"
  done
  # The test binary runs in its package folder (for any testdata).
  (cd cuda && GENXAI_GPU=$gpu timeout 180 "$bin/cuda.test" -test.v -test.count=1 2>&1) >"$out/cuda-tests.log"
  local trc=$?
  [ $trc -ne 0 ] && rc=$trc
  {
    echo "--- go test ./cuda with GENXAI_GPU=$gpu: exit $trc"
    grep -E '^(\s*--- (PASS|FAIL|SKIP)|PASS|FAIL|ok)' "$out/cuda-tests.log"
  } >>"$report"
  if [ -f "$data/train-images-idx3-ubyte.gz" ]; then
    local start vrc
    start=$(date +%s)
    timeout 200 "$bin/genxai" train -c configs/vae-fashion-mlp.yaml --device "$device" ${STEPS:+--set train.steps=$STEPS} \
      --set data.path="$data" --out "$out/vae-fashion-mlp" --force >"$out/vae-train.log" 2>&1
    vrc=$?
    [ $vrc -ne 0 ] && rc=$vrc
    {
      echo "--- vae-fashion-mlp trained with device=$device: exit $vrc, $(($(date +%s) - start)) s (target test_loss <= 246)"
      grep -o '"test_loss": *[0-9.]*' "$out/vae-fashion-mlp/summary.json" 2>/dev/null || tail -3 "$out/vae-train.log"
      grep "not captured into a CUDA graph" "$out/vae-train.log" | sort | uniq -c
    } >>"$report"
  else
    echo "--- vae-fashion-mlp on the GPU: no Fashion-MNIST carried, skipped" >>"$report"
  fi
}

# speed runs the speed part of `run` (see the top): for each step, ROUNDS
# (default 3) alternating rounds of genxai bench and the PyTorch eager peer,
# then for each step one torch.compile run, then one TF32 round of both
# sides, each result a JSON line in $out/speed.jsonl; what would not finish
# within SPEED_BUDGET seconds of the part's start is skipped and said so.
speed() {
  # DEVICE=cpu, STEPS=N and WARMUP=N rehearse the part on a machine without
  # a GPU (.ci/run does).
  local py=${PYTHON:-python3} rounds=${ROUNDS:-3} budget=${SPEED_BUDGET:-540} device=${DEVICE:-cuda}
  local start results=$out/speed.jsonl
  start=$(date +%s)
  : >"$results"
  echo "--- speed: genxai bench --device $device beside PyTorch on the same GPU (logs in speed-*.log)" >>"$report"
  if ! "$py" -c 'import sys, torch; assert sys.argv[1] == "cpu" or torch.cuda.is_available()' "$device" 2>>"$out/speed-torch.log"; then
    echo "PyTorch with CUDA is not importable by $py here (see speed-torch.log); genxai's side only" >>"$report"
    py=""
  fi
  left() { echo $((budget - ($(date +%s) - start))); }
  # step_settings sets cfg, sets, steps and peer_args for step $1.
  step_settings() {
    sets=() peer_args=()
    case $1 in
    vae) cfg=configs/vae-fashion-mlp.yaml steps=500 ;;
    cnn) cfg=configs/cnn-fashion.yaml steps=200 ;;
    dcgan) cfg=configs/cgan-fashion.yaml steps=100 sets=(--set 'metrics.classifier_run=""') ;;
    # The corpus of models.BenchmarkTransformerStep (the config's Tiny
    # Shakespeare lives outside the repository and does not travel).
    transformer) cfg=configs/ar-shakespeare.yaml steps=100 sets=(--set data.path=data/corpus/genxai.txt) peer_args=(data/corpus/genxai.txt) ;;
    esac
    [ "$1" = transformer ] || sets+=(--set "data.path=$data")
    steps=${STEPS:-$steps}
  }
  local s r cfg sets steps peer_args
  run_genxai() {
    timeout 120 "$bin/genxai" bench -c "$cfg" "${sets[@]}" --device "$device" --steps "$steps" --rounds 3 --warmup "${WARMUP:-20}" --json 2>>"$out/speed-genxai.log" |
      "${py:-python3}" -c 'import json, sys; d = json.loads(sys.stdin.read()); d.update(side="genxai", step=sys.argv[1], round=int(sys.argv[2])); print(json.dumps(d))' "$s" "$r" >>"$results" ||
      { rc=1; echo "$s round $r: genxai bench failed (speed-genxai.log)" >>"$report"; }
  }
  run_eager() {
    [ -n "$py" ] || return 0
    timeout 120 "$py" "scripts/bench/${s}_torch.py" 1 "$steps" "${peer_args[@]}" --device "$device" --json 2>>"$out/speed-torch.log" |
      grep '^{' >>"$results" || echo "$s round $r: the PyTorch eager peer failed (speed-torch.log)" >>"$report"
  }
  # First genxai against eager PyTorch, the issue's targets, for every
  # step; then the compiled peers (tens of seconds of compilation each) in
  # the time left.
  for s in vae cnn dcgan transformer; do
    step_settings "$s"
    for r in $(seq "$rounds"); do
      if [ "$(left)" -lt 40 ]; then
        echo "$s round $r: skipped, out of the speed budget" >>"$report"
        break
      fi
      # Alternate which side goes first, so a drift falls on both.
      if [ $((r % 2)) = 1 ]; then run_genxai; run_eager; else run_eager; run_genxai; fi
    done
  done
  for s in vae cnn dcgan transformer; do
    [ -n "$py" ] || break
    step_settings "$s"
    local t=$(($(left) - 10))
    if [ "$t" -lt 60 ]; then
      echo "$s: torch.compile skipped, $(left) s left of the speed budget" >>"$report"
      continue
    fi
    timeout "$((t < 240 ? t : 240))" "$py" "scripts/bench/${s}_torch.py" 1 "$steps" "${peer_args[@]}" --device "$device" --compile --json 2>>"$out/speed-torch.log" |
      grep '^{' >>"$results"
    case ${PIPESTATUS[0]} in
    0) ;;
    3) echo "$s: torch.compile is not usable here (speed-torch.log says why)" >>"$report" ;;
    *) echo "$s: the torch.compile peer failed or ran out of time (speed-torch.log)" >>"$report" ;;
    esac
  done
  # Last, in what time is left: one TF32 round of each step, both sides
  # (genxai's tf32 key, the peers' --tf32), reported apart from the FP32
  # rows the targets are about.
  for s in vae cnn dcgan transformer; do
    step_settings "$s"
    if [ "$(left)" -lt 40 ]; then
      echo "$s: the TF32 round skipped, $(left) s left of the speed budget" >>"$report"
      continue
    fi
    sets+=(--set tf32=true)
    r=1
    run_genxai
    [ -z "$py" ] || timeout 120 "$py" "scripts/bench/${s}_torch.py" 1 "$steps" "${peer_args[@]}" --device "$device" --tf32 --json 2>>"$out/speed-torch.log" |
      grep '^{' >>"$results" || echo "$s: the PyTorch eager TF32 peer failed (speed-torch.log)" >>"$report"
  done
  # A plan whose step is not captured runs call by call, far slower: say so.
  if grep -q "not captured into a CUDA graph" "$out/speed-genxai.log" 2>/dev/null; then
    { echo "genxai plans not captured (their steps ran call by call):"; grep "not captured into a CUDA graph" "$out/speed-genxai.log" | sort | uniq -c; } >>"$report"
  fi
  "${py:-python3}" scripts/bench/gpu_report.py "$results" >>"$report" 2>&1 ||
    { echo "gpu_report.py failed; the raw results:"; cat "$results"; } >>"$report"
  echo "speed part: $(($(date +%s) - start)) s" >>"$report"
}

case "${1:-}" in
build)
  set -e
  rm -rf "$bin"
  mkdir -p "$bin"
  CGO_ENABLED=0 go test -c -ldflags="-s -w" -o "$bin/cuda.test" ./cuda
  CGO_ENABLED=0 go build -ldflags="-s -w" -o "$bin/genxai" ./cmd/genxai
  # Compressed: the device tool carries at most 64 MiB, the two binaries
  # are about 60 MiB as they are.
  gzip -9 "$bin/cuda.test" "$bin/genxai"
  # Fashion-MNIST for the training check (30 MB, already compressed).
  mkdir -p "$bin/data"
  cp /usr/share/datasets/fashion-mnist/*-ubyte.gz "$bin/data/" 2>/dev/null ||
    echo "gpu-check: no Fashion-MNIST in /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist); the training check will be skipped" >&2
  du -sh "$bin"; ls -l "$bin"
  ;;
run)
  part=${2:-all}
  case $part in correct | speed | all) ;; *) echo "gpu-check: unknown part '$part' (correct, speed or all)" >&2; exit 2 ;; esac
  out=${OUT:-$root/gpu-out}
  mkdir -p "$out"
  report=$out/report.txt
  [ -f "$bin/cuda.test.gz" ] || { echo "no $bin/cuda.test.gz: run 'scripts/gpu-check.sh build' first and carry $bin" >&2; exit 2; }
  for f in cuda.test genxai; do gunzip -c "$bin/$f.gz" >"$out/$f" && chmod +x "$out/$f" || exit 2; done
  data=$root/$bin/data
  bin=$out
  rc=0
  # cuBLAS and NVRTC: genxai searches the loader path and the toolkit's
  # folders itself; a machine with only the driver and PyTorch's wheels has
  # them in site-packages/nvidia/{cublas,cuda_nvrtc}/lib, named here (and on
  # the loader path, for NVRTC's builtins library).
  wheel_libs=$("${PYTHON:-python3}" -c '
import os
try:
    import nvidia
    for root in nvidia.__path__:
        for sub in ("cublas", "cuda_nvrtc", "cuda_runtime"):
            d = os.path.join(root, sub, "lib")
            if os.path.isdir(d):
                print(d)
except ImportError:
    pass' 2>/dev/null | paste -sd: -)
  if [ -n "$wheel_libs" ]; then
    export GENXAI_CUDA_LIBS=${GENXAI_CUDA_LIBS:+$GENXAI_CUDA_LIBS:}$wheel_libs
    export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$wheel_libs
  fi
  {
    echo "gpu-check $part, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv,noheader 2>&1 || echo "nvidia-smi failed"
    echo "GENXAI_CUDA_LIBS=${GENXAI_CUDA_LIBS:-} (PyTorch's wheels: ${wheel_libs:-none})"
    echo "--- genxai devices"
    "$bin/genxai" devices 2>&1
  } >"$report"
  [ "$part" = speed ] || correct
  [ "$part" = correct ] || speed
  cat "$report"
  exit $rc
  ;;
*)
  sed -n '2,14p' "$0" >&2
  exit 2
  ;;
esac
