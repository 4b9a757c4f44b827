#!/usr/bin/env bash
# Classification accuracy score of an exported synthetic set (issue 18):
# export 600 images per class from a conditional GAN run as IDX
# (`genxai generate --per-class 600 --format idx`), take the first 600
# images of each class of the real Fashion-MNIST training set as the
# control, train the same classifier config on each (the real test set
# beside both, linked in), and print both test accuracies.
# Usage: scripts/bench/cas.sh GAN_RUN [CLASSIFIER_CONFIG] [OUT_DIR]
#   GAN_RUN            a trained configs/cgan-fashion.yaml run
#   CLASSIFIER_CONFIG  default configs/cnn-fashion.yaml
#   OUT_DIR            default runs/cas
set -euo pipefail
cd "$(dirname "$0")/../.."
gan=$1
cfg=${2:-configs/cnn-fashion.yaml}
out=${3:-runs/cas}
fm=/usr/share/datasets/fashion-mnist
bin=$(mktemp -d)/genxai
go build -o "$bin" ./cmd/genxai
mkdir -p "$out"

"$bin" generate --run "$gan" --per-class 600 --format idx --seed 1 --out "$out/synthetic" --force
/usr/bin/python3 - "$fm" "$out/real" <<'PY'
import gzip, os, struct, sys
import numpy as np
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
img = np.frombuffer(gzip.open(f"{src}/train-images-idx3-ubyte.gz").read(), np.uint8, offset=16).reshape(-1, 784)
lab = np.frombuffer(gzip.open(f"{src}/train-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
idx = np.sort(np.concatenate([np.where(lab == k)[0][:600] for k in range(10)]))
with open(f"{dst}/train-images-idx3-ubyte", "wb") as f:
    f.write(struct.pack(">IIII", 2051, len(idx), 28, 28)); f.write(img[idx].tobytes())
with open(f"{dst}/train-labels-idx1-ubyte", "wb") as f:
    f.write(struct.pack(">II", 2049, len(idx))); f.write(lab[idx].tobytes())
PY
for side in synthetic real; do
  ln -sf "$fm/t10k-images-idx3-ubyte.gz" "$fm/t10k-labels-idx1-ubyte.gz" "$out/$side/"
  "$bin" train -c "$cfg" --set data.path="$out/$side" --out "$out/train-$side" --force > "$out/train-$side.log" 2>&1
done
for side in synthetic real; do
  /usr/bin/python3 - "$side" "$out/train-$side/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))
print("trained on 6,000 %s images: test accuracy %.4f (%d steps, %.0f s)" % (sys.argv[1], s["accuracy"], s.get("steps", 0), s.get("seconds", 0)))
PY
done
