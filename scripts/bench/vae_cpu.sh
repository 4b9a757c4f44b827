#!/usr/bin/env bash
# Side-by-side step time of the Fashion-MNIST MLP VAE (784-400-20-400-784,
# batch 128, Adam): genxai (Gorgonia TapeMachine) against PyTorch, same shapes,
# same thread count, in the same run. Usage: scripts/bench/vae_cpu.sh [THREADS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-1}
steps=${2:-200}
export GOMAXPROCS=$threads OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
go test -c -o /tmp/genxai-train.test ./train >/dev/null
ns=$(/tmp/genxai-train.test -test.run '^$' -test.bench '^BenchmarkVAEStep$' -test.benchtime ${steps}x | awk '/BenchmarkVAEStep/ {print $3}')
go_ms=$(awk -v n="$ns" 'BEGIN {printf "%.4f", n/1e6}')
echo "genxai  (GOMAXPROCS=$threads): $go_ms ms/step"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  torch_ms=$(/usr/bin/python3 scripts/bench/vae_torch.py "$threads" "$steps")
  echo "PyTorch (threads=$threads):    $torch_ms ms/step"
  awk -v g="$go_ms" -v t="$torch_ms" 'BEGIN {printf "ratio genxai/PyTorch: %.2f\n", g/t}'
else
  echo "PyTorch not found for /usr/bin/python3 (apt-get install python3-torch): no comparison"
fi
