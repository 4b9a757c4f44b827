#!/usr/bin/env bash
# Side-by-side step time of the character transformer of configs/ar-shakespeare.yaml (4 layers, 4 heads, 128, block 64, batch 12, AdamW):
# genxai (Gorgonia TapeMachine) against PyTorch, same shapes, same thread
# count, in the same run. Usage: scripts/bench/transformer_cpu.sh [THREADS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-1}
steps=${2:-10}
export GOMAXPROCS=$threads OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
go test -c -o /tmp/genxai-train-families.test ./train >/dev/null
ns=$(cd train && /tmp/genxai-train-families.test -test.run '^$' -test.bench '^BenchmarkTransformerStep$' -test.benchtime ${steps}x 2>/dev/null | awk '/^BenchmarkTransformerStep/ {print $3}')
if [ -z "$ns" ]; then echo "the Go benchmark did not run (is the data there?)" >&2; exit 1; fi
go_ms=$(awk -v n="$ns" 'BEGIN {printf "%.2f", n/1e6}')
echo "genxai  (GOMAXPROCS=$threads): $go_ms ms/step"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  torch_ms=$(/usr/bin/python3 scripts/bench/transformer_torch.py "$threads" "$steps")
  echo "PyTorch (threads=$threads):    $torch_ms ms/step"
  awk -v g="$go_ms" -v t="$torch_ms" 'BEGIN {printf "ratio genxai/PyTorch: %.2f\n", g/t}'
else
  echo "PyTorch not found for /usr/bin/python3 (apt-get install python3-torch): no comparison"
fi
