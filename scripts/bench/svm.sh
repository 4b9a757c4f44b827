#!/usr/bin/env bash
# Side-by-side benchmark of `genxai svm` against scikit-learn's SVC (libsvm)
# with the same C, kernel, gamma, tol and cache size, on the same CSV files.
# Prints per data set: test accuracy, number of support vectors and fit time
# of both, the accuracy difference in points, the support-vector difference
# in percent and the fit-time ratio genxai/sklearn. genxai is timed twice:
# one thread (GOMAXPROCS=1 --workers 1, as libsvm trains its one-vs-one
# problems one after the other) and parallel (--workers 0, all cores).
# Fit times are the minimum over REPEATS fits, all measured in this run, as
# wall time and as CPU time (user + system), the steadier of the two on a
# shared machine. Timing uses scripts/bench/svmbench (package svm called
# directly, CSV parsing excluded, as for sklearn); accuracy and support
# vectors are cross-checked against one end-to-end `genxai svm` run.
#
#   scripts/bench/svm.sh                # needs Go and /usr/bin/python3 with python3-sklearn
#   REPEATS=5 scripts/bench/svm.sh
#   GENXAI_BIN=/path/to/genxai scripts/bench/svm.sh   # use a prebuilt binary
#   SETS="bc dg" scripts/bench/svm.sh   # a subset of the data sets
#
# Data sets (written by svm_sklearn.py prepare into a temporary directory):
#   bc  breast cancer, bundled 455/114 split, standardized, RBF C=1 gamma=scale
#   fm  Fashion-MNIST, first 5000 training / 2000 test images, pixels/255,
#       RBF C=10 gamma=scale
#   dg  8×8 digits, first 1198 rows / last 599, raw pixels, RBF C=1 gamma=scale
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEATS=${REPEATS:-3}
SETS=${SETS:-"bc fm dg"}
. scripts/bench/lib.sh
require_sklearn svm.sh
bench_workdir svmbench
if ! bench_genxai "$work/genxai" 2>"$work/build.log"; then
	# Other commands of cmd/genxai may be mid-edit: build the root and svm alone.
	echo "svm.sh: go build ./cmd/genxai failed (see below); building main.go + svm.go only" >&2
	sed 's/^/  /' "$work/build.log" | head -5 >&2
	go build -o "$work/genxai" cmd/genxai/main.go cmd/genxai/svm.go
fi
go build -o "$work/svmbench" ./scripts/bench/svmbench
$PY scripts/bench/svm_sklearn.py prepare "$work/data"

args_for() {
	case $1 in
	bc) echo "--label target --kernel rbf --C 1 --gamma scale --standardize" ;;
	fm) echo "--label label --kernel rbf --C 10 --gamma scale" ;;
	dg) echo "--label label --kernel rbf --C 1 --gamma scale" ;;
	*) echo "svm.sh: unknown data set $1 (use bc, fm, dg)" >&2; exit 2 ;;
	esac
}

results="$work/results.jsonl"
compact() { $PY -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$1"; }
record() { echo "{\"set\":\"$1\",\"side\":\"$2\",\"r\":$3}" >>"$results"; }
for s in $SETS; do
	args=$(args_for "$s")
	tr="$work/data/${s}_train.csv"
	te="$work/data/${s}_test.csv"
	echo "svm.sh: $s ..." >&2
	# shellcheck disable=SC2086
	record "$s" sklearn "$($PY scripts/bench/svm_sklearn.py fit --train "$tr" --test "$te" $args --repeat "$REPEATS")"
	# shellcheck disable=SC2086
	record "$s" bench1 "$(GOMAXPROCS=1 "$work/svmbench" --train "$tr" --test "$te" $args --workers 1 --repeat "$REPEATS")"
	# shellcheck disable=SC2086
	record "$s" benchP "$("$work/svmbench" --train "$tr" --test "$te" $args --workers 0 --repeat "$REPEATS")"
	# The command line end to end, once: its summary.json must agree.
	# shellcheck disable=SC2086
	"$work/genxai" svm --train "$tr" --test "$te" $args --out "$work/run_$s" >/dev/null 2>&1
	record "$s" cli "$(compact "$work/run_$s/summary.json")"
done

$PY - "$results" "$REPEATS" <<'PYEOF'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("# genxai svm vs scikit-learn %s SVC: fastest of %s fits; %d CPUs; load average %.1f"
      % (__import__("sklearn").__version__, sys.argv[2], os.cpu_count(), os.getloadavg()[0]))
print("# wall = elapsed seconds, cpu = user+system seconds of the fit; gx1 = genxai on one thread,")
print("# gxP = genxai with one-vs-one problems in parallel; ratios are genxai / sklearn")
hdr = ("set", "acc_sk", "acc_gx", "dacc_pts", "nsv_sk", "nsv_gx", "dnsv_%",
       "wall_sk", "wall_gx1", "wall_gxP", "cpu_sk", "cpu_gx1", "wall_ratio1", "wall_ratioP", "cpu_ratio1")
print(" ".join("%-11s" % h for h in hdr))
for s in dict.fromkeys(r["set"] for r in rows):
    get = lambda side: next(r["r"] for r in rows if r["set"] == s and r["side"] == side)
    sk, g1, gp, cli = get("sklearn"), get("bench1"), get("benchP"), get("cli")
    if (cli["accuracy"], cli["n_support"]) != (g1["accuracy"], g1["n_support"]):
        print("# %s: WARNING genxai svm gave accuracy %s / %s SVs, package svm %s / %s"
              % (s, cli["accuracy"], cli["n_support"], g1["accuracy"], g1["n_support"]))
    vals = (s, "%.4f" % sk["accuracy"], "%.4f" % g1["accuracy"], "%+.2f" % (100 * (g1["accuracy"] - sk["accuracy"])),
            sk["n_support"], g1["n_support"], "%+.2f" % (100.0 * (g1["n_support"] - sk["n_support"]) / sk["n_support"]),
            "%.3f" % sk["fit_seconds"], "%.3f" % g1["fit_seconds"], "%.3f" % gp["fit_seconds"],
            "%.3f" % sk["fit_cpu_seconds"], "%.3f" % g1["fit_cpu_seconds"],
            "%.2f" % (g1["fit_seconds"] / sk["fit_seconds"]), "%.2f" % (gp["fit_seconds"] / sk["fit_seconds"]),
            "%.2f" % (g1["fit_cpu_seconds"] / sk["fit_cpu_seconds"]))
    print(" ".join("%-11s" % v for v in vals))
PYEOF
