#!/usr/bin/env bash
# Step time of the character transformer of configs/ar-shakespeare.yaml (4 layers, 4 heads, 128, block 64, batch 12, AdamW):
# genxai (Gorgonia TapeMachine) against PyTorch, same shapes, same threads.
# Alternates ROUNDS times in one run and reports medians (scripts/bench/side_by_side.sh).
# Usage: scripts/bench/transformer_cpu.sh [THREADS] [STEPS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/side_by_side.sh
side_by_side BenchmarkTransformerStep scripts/bench/transformer_torch.py "${1:-1}" "${2:-10}" "${3:-3}"
