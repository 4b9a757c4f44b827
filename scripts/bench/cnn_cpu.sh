#!/usr/bin/env bash
# Side-by-side step time of the Fashion-MNIST CNN of configs/cnn-fashion.yaml (batch 64, Adam):
# genxai (Gorgonia TapeMachine) against PyTorch, same shapes, same thread
# count, alternating ROUNDS times in one run and reporting the medians, so a
# busy machine slows both sides alike.
# Usage: scripts/bench/cnn_cpu.sh [THREADS] [STEPS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-1}
steps=${2:-20}
rounds=${3:-3}
export GOMAXPROCS=$threads OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
bin=$(mktemp /tmp/genxai-train-cnn.XXXXXX)
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" ./train >/dev/null
have_torch=0
/usr/bin/python3 -c 'import torch' 2>/dev/null && have_torch=1
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
go_runs=() torch_runs=()
for r in $(seq "$rounds"); do
  ns=$(cd train && "$bin" -test.run '^$' -test.bench '^BenchmarkCNNStep$' -test.benchtime "${steps}x" 2>/dev/null | awk '/^BenchmarkCNNStep/ {print $3}')
  if [ -z "$ns" ]; then echo "the Go benchmark did not run (is the data there?)" >&2; exit 1; fi
  go_runs+=("$(awk -v n="$ns" 'BEGIN {printf "%.2f", n/1e6}')")
  if [ "$have_torch" = 1 ]; then
    torch_runs+=("$(/usr/bin/python3 scripts/bench/cnn_torch.py "$threads" "$steps")")
  fi
done
go_ms=$(printf '%s\n' "${go_runs[@]}" | median)
echo "genxai  (GOMAXPROCS=$threads): ${go_runs[*]} ms/step, median $go_ms"
if [ "$have_torch" = 1 ]; then
  torch_ms=$(printf '%s\n' "${torch_runs[@]}" | median)
  echo "PyTorch (threads=$threads):    ${torch_runs[*]} ms/step, median $torch_ms"
  awk -v g="$go_ms" -v t="$torch_ms" 'BEGIN {printf "ratio genxai/PyTorch (medians): %.2f\n", g/t}'
else
  echo "PyTorch not found for /usr/bin/python3 (apt-get install python3-torch): no comparison"
fi
