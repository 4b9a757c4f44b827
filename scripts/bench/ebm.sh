#!/bin/sh
# genxai's Explainable Boosting Machine on the bundled breast-cancer split
# next to scikit-learn baselines (InterpretML's published EBM figure on this
# split is 0.9737).
#
#   scripts/bench/ebm.sh                          (from the repository root)
#   GENXAI=/path/to/genxai scripts/bench/ebm.sh   (use a prebuilt binary; GENXAI_BIN works too)
set -eu
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
bench_workdir ebmbench
bench_genxai "$work/genxai"
"$work/genxai" glassbox ebm -c configs/glassbox-ebm-breast-cancer.yaml --out "$work/ebm" "$@" | tail -1
if has_python_module sklearn; then
	$PY scripts/bench/ebm_sklearn.py "$work/ebm/summary.json"
else
	echo "python3-sklearn is not installed for $PY; skipping the baselines"
fi
