#!/usr/bin/env bash
# Step time of the Fashion-MNIST MLP VAE (784-400-20-400-784, batch 128, Adam):
# genxai (Gorgonia TapeMachine, the BLAS genxai picks) against PyTorch, same shapes, same threads.
# Alternates ROUNDS times in one run and reports medians (scripts/bench/side_by_side.sh).
# Usage: scripts/bench/vae_cpu.sh [THREADS] [STEPS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/side_by_side.sh
side_by_side BenchmarkVAEStep scripts/bench/vae_torch.py "${1:-1}" "${2:-200}" "${3:-3}"
