#!/bin/sh
# genxai's Explainable Boosting Machine on the bundled breast-cancer split
# next to scikit-learn baselines (InterpretML's published EBM figure on this
# split is 0.9737).
#
#   scripts/bench/ebm.sh                          (from the repository root)
#   GENXAI=/path/to/genxai scripts/bench/ebm.sh   (use a prebuilt binary)
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=${GENXAI:-}
if [ -z "$bin" ]; then
	bin=$tmp/genxai
	go build -o "$bin" ./cmd/genxai
fi
"$bin" glassbox ebm -c configs/glassbox-ebm-breast-cancer.yaml --out "$tmp/ebm" "$@" | tail -1
if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
	/usr/bin/python3 scripts/bench/ebm_sklearn.py "$tmp/ebm/summary.json"
else
	echo "python3-sklearn is not installed for /usr/bin/python3; skipping the baselines"
fi
