#!/usr/bin/env bash
# Step time of the Fashion-MNIST CNN of configs/cnn-fashion.yaml (batch 64, Adam):
# genxai (Gorgonia TapeMachine) against PyTorch, same shapes, same threads.
# Alternates ROUNDS times in one run and reports medians (scripts/bench/side_by_side.sh).
# Usage: scripts/bench/cnn_cpu.sh [THREADS] [STEPS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/side_by_side.sh
side_by_side BenchmarkCNNStep scripts/bench/cnn_torch.py "${1:-1}" "${2:-20}" "${3:-3}"
