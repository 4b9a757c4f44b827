#!/usr/bin/env bash
# Step time of the conditional DCGAN of configs/cgan-fashion.yaml (batch 64: one D and one G update):
# genxai (Gorgonia TapeMachine) against PyTorch, same shapes, same threads.
# Alternates ROUNDS times in one run and reports medians (scripts/bench/side_by_side.sh).
# Usage: scripts/bench/dcgan_cpu.sh [THREADS] [STEPS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/side_by_side.sh
side_by_side BenchmarkDCGANStep scripts/bench/dcgan_torch.py "${1:-1}" "${2:-5}" "${3:-3}"
