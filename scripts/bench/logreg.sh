#!/bin/sh
# Compare genxai's logistic regression with statsmodels' Logit on
# non-separable data: the breast-cancer training rows with a few features, and
# a simulated data set. Prints the largest relative differences of the
# coefficients, standard errors and p-values (target: ≤ 1e-4).
#
#   scripts/bench/logreg.sh            (from the repository root)
#   GENXAI=/path/to/genxai scripts/bench/logreg.sh   (use a prebuilt binary)
set -eu
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
if ! has_python_module statsmodels; then
	echo "python3-statsmodels is not installed for $PY; skipping the comparison"
	exit 0
fi
bench_workdir logregbench
tmp=$work
bin=$tmp/genxai
bench_genxai "$bin"
bench=scripts/bench/logreg_statsmodels.py
status=0

run() { # name csv target features [extra genxai flags]
	name=$1 csv=$2 target=$3 feats=$4
	shift 4
	echo "== $name"
	"$bin" glassbox logreg --train "$csv" --target "$target" --features "$feats" --out "$tmp/$name" "$@" >"$tmp/$name.log"
	$PY $bench compare "$csv" "$target" "$feats" "$tmp/$name/summary.json" || status=1
}

$PY $bench breast "$tmp/bc_train.csv" data/embedded/breast_cancer_split.json data/embedded/breast_cancer.csv
run breast_cancer_4 "$tmp/bc_train.csv" target mean_radius,mean_texture,mean_smoothness,mean_symmetry
run breast_cancer_6 "$tmp/bc_train.csv" target mean_radius,mean_texture,mean_smoothness,mean_symmetry,radius_error,worst_fractal_dimension
$PY $bench simulate "$tmp/sim.csv" 20000 7
run simulated_20000 "$tmp/sim.csv" y x0,x1,x2,x3,x4
exit $status
