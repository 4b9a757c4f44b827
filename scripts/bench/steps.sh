#!/usr/bin/env bash
# Training-step time of genxai against PyTorch, side by side and fair: the four
# step benchmarks of package models (BenchmarkVAEStep, BenchmarkCNNStep,
# BenchmarkDCGANStep, BenchmarkTransformerStep), each on both executors (tape
# and plan), against their PyTorch peers (scripts/bench/*_torch.py: the same
# model, batch and thread count), in alternating rounds in one run, medians.
#
# Both sides run the same OpenBLAS file with the same kernels: the script
# exports the OPENBLAS_CORETYPE genxai runs with (the caller's when set, as
# genxai respects it, else genxai's own choice from the CPU flags, see
# engine/blas) to both, and prints the core each side's OpenBLAS reports
# (openblas_get_corename / openblas_get_config, asked in the benchmark
# processes themselves). Each round also measures the sgemm rate on each
# step's largest product (scripts/bench/gemmfloor), which gives the step's
# GEMM floor: its GEMM operations (forward and backward, counted from the
# model shapes in scripts/bench/gemmfloor/flops.go) ÷ that rate, and the
# fraction of the floor each side reaches (floor ÷ step time).
#
#   scripts/bench/steps.sh [THREADS...]        (default: 1 2; from anywhere)
#   ROUNDS=5 scripts/bench/steps.sh 1          (default 3 rounds)
#   STEPS="vae transformer" scripts/bench/steps.sh
#   EXECUTORS=plan scripts/bench/steps.sh
#   OPENBLAS_CORETYPE=Haswell scripts/bench/steps.sh   (both sides get it)
#
# Needs Go, /usr/bin/python3 with Debian's python3-torch (which reaches
# OpenBLAS through libblas.so.3) and Fashion-MNIST for the CNN and the DCGAN.
# Ends with a markdown table ready for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-"vae cnn dcgan transformer"}
EXECUTORS=${EXECUTORS:-"tape plan"}
threads_list=${*:-"1 2"}
corpus=data/corpus/genxai.txt

if ! has_python_module torch; then
	echo "steps.sh: $PY has no PyTorch (apt-get install python3-torch); nothing to compare against" >&2
	exit 1
fi
bench_workdir stepsbench
go test -c -o "$work/models.test" ./models
go build -o "$work/gemmfloor" ./scripts/bench/gemmfloor

# The kernels: genxai's choice, exported to both sides.
own=$(env -u OPENBLAS_CORETYPE "$work/gemmfloor" coretype)
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
	echo "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE for both sides: set by the caller, which genxai respects (its own rule would pick '${own:-OpenBLAS detection}')"
elif [ -n "$own" ]; then
	export OPENBLAS_CORETYPE=$own
	echo "OPENBLAS_CORETYPE=$own for both sides: genxai's choice from the CPU flags"
else
	echo "OPENBLAS_CORETYPE unset for both sides: genxai leaves the choice to OpenBLAS's detection on this CPU"
fi
vocab=$($PY -c 'import sys; print(len(set(open(sys.argv[1], encoding="utf-8").read())))' "$corpus")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) logical cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %H:%M') UTC"

bench_of() {
	case $1 in
	vae) echo BenchmarkVAEStep ;; cnn) echo BenchmarkCNNStep ;;
	dcgan) echo BenchmarkDCGANStep ;; transformer) echo BenchmarkTransformerStep ;;
	*) echo "steps.sh: unknown step $1 (use vae, cnn, dcgan, transformer)" >&2; exit 2 ;;
	esac
}
# Timed steps per run: about a second or more of work each.
iters_of() { case $1 in vae) echo 200 ;; cnn) echo 40 ;; dcgan) echo 20 ;; transformer) echo 20 ;; esac; } # steps timed per side and round (the peers warm up 3 first)
for s in $STEPS; do bench_of "$s" >/dev/null; done

results=$work/results.tsv # threads step side round ms core
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }

run_genxai() { # threads step executor round
	local bench out ms core
	bench=$(bench_of "$2")
	# Standard output only: a warning on standard error can land inside the
	# benchmark's result line.
	out=$(cd models && "$work/models.test" -test.run '^$' -test.bench "^$bench\$" -test.benchtime "$(iters_of "$2")x" -executor "$3" 2>"$work/stderr") || {
		echo "steps.sh: $bench -executor $3 failed:" >&2
		echo "$out" | tail -20 >&2
		tail -5 "$work/stderr" >&2
		exit 1
	}
	ms=$(echo "$out" | awk -v b="$bench" '$1 ~ "^"b"(-[0-9]+)?$" {printf "%.4f", $3 / 1e6}')
	core=$(echo "$out" | awk '/BLAS: openblas/ {for (i = 2; i <= NF; i++) if ($i ~ /^MAX_THREADS/) c = $(i-1)} END {print c ? c : "none"}')
	if [ -z "$ms" ]; then
		echo "steps.sh: $bench printed no time (is Fashion-MNIST there?):" >&2
		echo "$out" | tail -20 >&2
		tail -5 "$work/stderr" >&2
		exit 1
	fi
	record "$1" "$2" "genxai-$3" "$4" "$ms" "$core"
	echo "$out" | sed -n 's/^cpu: *//p' >"$work/cpu"
}

run_torch() { # threads step round
	local out
	out=$($PY "scripts/bench/$2_torch.py" "$1" "$(iters_of "$2")" $([ "$2" = transformer ] && echo "$corpus"))
	record "$1" "$2" pytorch "$3" "$(echo "$out" | sed -n 's/^ms=//p')" "$(echo "$out" | sed -n 's/.* core=\([^ ]*\).*/\1/p')"
	echo "$out" | grep '^openblas' >"$work/torch-openblas"
}

for t in $threads_list; do
	export GOMAXPROCS=$t OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t
	for r in $(seq "$ROUNDS"); do
		for s in $STEPS; do
			# Alternate which side goes first, so a drift in the machine's load
			# does not always fall on the same side.
			if [ $((r % 2)) = 1 ]; then
				for e in $EXECUTORS; do run_genxai "$t" "$s" "$e" "$r"; done
				run_torch "$t" "$s" "$r"
			else
				run_torch "$t" "$s" "$r"
				for e in $EXECUTORS; do run_genxai "$t" "$s" "$e" "$r"; done
			fi
		done
		"$work/gemmfloor" floor -vocab "$vocab" -seconds 0.3 >"$work/floor"
		awk -v t="$t" -v r="$r" '$1 == "floor" {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%s\t%s\tfloor\t%s\t%s\t%s@%sGFLOP/s@%sGFLOP\n", t, v["step"], r, v["floor_ms"], v["shape"], v["gflops"], v["gflop"]
		}' "$work/floor" >>"$results"
		echo "threads $t, round $r/$ROUNDS done" >&2
	done
	echo "threads $t: genxai's OpenBLAS: $(sed -n 's/^openblas //p' "$work/floor")"
	echo "threads $t: PyTorch's OpenBLAS: $(sed 's/^openblas //' "$work/torch-openblas")"
done
echo "CPU as the Go benchmarks name it: $(sed 's/ *$//' "$work/cpu")"
$PY scripts/bench/steps_report.py "$results"
