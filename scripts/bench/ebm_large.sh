#!/bin/sh
# Time `genxai glassbox ebm` with its default settings on synthetic tables of
# 20,000 and 200,000 rows × 30 features (scripts/bench/ebmgen: seeded, a
# logistic model with non-linear main effects and three interactions). The
# targets (docs/glassbox.md) are 60 s and 300 s of wall time on two cores;
# on a shared machine the CPU time (user + system) is the steadier number.
#
#   scripts/bench/ebm_large.sh                     (from the repository root)
#   ROWS="20000" scripts/bench/ebm_large.sh        (a subset of the sizes)
#   GENXAI_BIN=/path/to/genxai scripts/bench/ebm_large.sh
set -eu
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
ROWS=${ROWS:-"20000 200000"}
bench_workdir ebmlarge
bench_genxai "$work/genxai"
go build -o "$work/ebmgen" ./scripts/bench/ebmgen
printf '%8s %10s %10s %10s %8s %s\n' rows wall_s user_s sys_s accuracy bag_rounds
for n in $ROWS; do
	"$work/ebmgen" -rows "$n" -features 30 -seed 1 >"$work/t$n.csv"
	/usr/bin/time -f '%e %U %S' -o "$work/time$n" \
		"$work/genxai" glassbox ebm --train "$work/t$n.csv" --label y --out "$work/ebm$n" >/dev/null 2>"$work/log$n"
	read -r wall user sys <"$work/time$n"
	acc=$(sed -n 's/^  "accuracy": \(.*\),$/\1/p' "$work/ebm$n/summary.json")
	rounds=$(tr -d ' \n' <"$work/ebm$n/summary.json" | sed -n 's/.*"bag_rounds":\(\[[0-9,]*\]\).*/\1/p')
	printf '%8s %10s %10s %10s %8.4f %s\n' "$n" "$wall" "$user" "$sys" "$acc" "$rounds"
done
