#!/usr/bin/env bash
# Side-by-side benchmark of `genxai gmm` against scikit-learn's GaussianMixture
# on the same data with the same settings (K, covariance type, n_init,
# reg_covar, tol, max_iter). Prints, per case, the held-out mean
# log-likelihood of both, their relative difference and the fit-time ratio
# (median of REPEATS fits each, measured in this run).
#
#   scripts/bench/gmm.sh            # needs Go and /usr/bin/python3 with python3-sklearn
#   REPEATS=5 scripts/bench/gmm.sh
#   GENXAI_BIN=/path/to/genxai scripts/bench/gmm.sh   # use a prebuilt binary
#
# Cases: breast cancer (30 features, standardized) K=3 full; digits PCA-20
# K=10 diag; and the other covariance types on the same two data sets.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
REPEATS=${REPEATS:-3}
require_sklearn gmm.sh
bench_workdir gmmbench
bench_genxai "$work/genxai"
$PY scripts/bench/gmm_sklearn.py prepare "$work/data" >/dev/null

run_case() { # name k covariance n_init
	local name=$1 k=$2 cov=$3 ninit=$4 sums=()
	for r in $(seq 1 "$REPEATS"); do
		"$work/genxai" gmm --train "$work/data/${name}_train.csv" --test "$work/data/${name}_test.csv" \
			--components "$k" --covariance "$cov" --n-init "$ninit" --seed 0 \
			--out "$work/run-$name-$k-$cov-$r" >/dev/null 2>&1
		sums+=("$work/run-$name-$k-$cov-$r/summary.json")
	done
	$PY scripts/bench/gmm_sklearn.py compare --train "$work/data/${name}_train.csv" \
		--test "$work/data/${name}_test.csv" --components "$k" --covariance "$cov" \
		--n-init "$ninit" --seed 0 --repeats "$REPEATS" --genxai-summary "${sums[@]}"
}

echo "genxai gmm vs sklearn $($PY -c 'import sklearn; print(sklearn.__version__)') on $(nproc) cores, $(date -u +%F)"
run_case bc 3 full 1
run_case digits 10 diag 1
run_case bc 3 tied 1
run_case bc 3 diag 1
run_case bc 3 spherical 1
run_case digits 10 full 5
run_case digits 10 spherical 1
