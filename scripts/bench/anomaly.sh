#!/usr/bin/env bash
# Anomaly benchmark: train the Fashion-MNIST VAE on nine classes
# (configs/vae-fashion-9class.yaml, class 8 left out), score all 10,000 test
# images with `genxai explain anomaly` and print the ROC-AUC of the held-out
# class against the other nine, for the negative ELBO and for the
# importance-weighted bound with K samples.
# Usage: scripts/bench/anomaly.sh [EPOCHS] [K] [RUNS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-10}
k=${2:-16}
runs=${3:-runs}
bin=$(mktemp -d)/genxai
go build -o "$bin" ./cmd/genxai
run="$runs/vae-fashion-9class"
if [ ! -f "$run/checkpoint.safetensors" ]; then
  "$bin" train -c configs/vae-fashion-9class.yaml --set train.epochs="$epochs" --out "$run" --force
fi
"$bin" explain anomaly --run "$run" --out "$runs/anomaly-elbo" --samples 1
"$bin" explain anomaly --run "$run" --out "$runs/anomaly-iw$k" --samples "$k"
for d in "$runs/anomaly-elbo" "$runs/anomaly-iw$k"; do
  /usr/bin/python3 - "$d/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("%s: ROC-AUC %.4f (%d held-out vs %d test images)" % (s["score"], s["roc_auc"], s["positives"], s["negatives"]))
PY
done
