#!/usr/bin/env bash
# side_by_side BENCH TORCH_SCRIPT THREADS STEPS ROUNDS
#
# Shared by the *_cpu.sh step-time comparisons: runs the Go benchmark BENCH
# of package train (STEPS iterations) and the PyTorch peer TORCH_SCRIPT
# (which prints ms/step) alternately ROUNDS times in one run and prints both
# medians and their ratio, so a busy machine slows both sides alike. Source
# it from the repository root.
side_by_side() {
  local bench=$1 torch_script=$2 threads=$3 steps=$4 rounds=$5
  export GOMAXPROCS=$threads OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
  side_by_side_bin=$(mktemp "/tmp/genxai-train-$bench.XXXXXX")
  trap 'rm -f "$side_by_side_bin"' EXIT
  local bin=$side_by_side_bin
  go test -c -o "$bin" ./train >/dev/null
  local have_torch=0
  /usr/bin/python3 -c 'import torch' 2>/dev/null && have_torch=1
  median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  local go_runs=() torch_runs=() ns r
  for r in $(seq "$rounds"); do
    ns=$(cd train && "$bin" -test.run '^$' -test.bench "^$bench\$" -test.benchtime "${steps}x" 2>/dev/null | awk -v b="$bench" '$1 ~ "^"b {print $3}')
    if [ -z "$ns" ]; then echo "the Go benchmark $bench did not run (is the data there?)" >&2; exit 1; fi
    go_runs+=("$(awk -v n="$ns" 'BEGIN {printf "%.2f", n/1e6}')")
    if [ "$have_torch" = 1 ]; then
      torch_runs+=("$(/usr/bin/python3 "$torch_script" "$threads" "$steps")")
    fi
  done
  local go_ms torch_ms
  go_ms=$(printf '%s\n' "${go_runs[@]}" | median)
  echo "genxai  (GOMAXPROCS=$threads): ${go_runs[*]} ms/step, median $go_ms"
  if [ "$have_torch" = 1 ]; then
    torch_ms=$(printf '%s\n' "${torch_runs[@]}" | median)
    echo "PyTorch (threads=$threads):    ${torch_runs[*]} ms/step, median $torch_ms"
    awk -v g="$go_ms" -v t="$torch_ms" 'BEGIN {printf "ratio genxai/PyTorch (medians): %.2f\n", g/t}'
  else
    echo "PyTorch not found for /usr/bin/python3 (apt-get install python3-torch): no comparison"
  fi
}
