"""Summarises the rounds scripts/bench/steps.sh recorded: per thread count
and step, the median step time of each side (genxai per executor, PyTorch),
the ratios to PyTorch, the GEMM floor and the fraction of it each side
reaches, the OpenBLAS core every side reported, and the same as a markdown
table for docs/performance.md.
Usage: steps_report.py RESULTS.tsv (threads, step, side, round, ms, core)."""
import statistics
import sys
from collections import defaultdict

STEP_ORDER = ["vae", "cnn", "dcgan", "transformer"]


def main(path):
    times = defaultdict(list)   # (threads, step, side) -> [ms]
    cores = defaultdict(set)    # side -> {core}
    floor_info = {}             # (threads, step) -> "shape@rate@gflop" of the last round
    sides = []
    with open(path) as f:
        for line in f:
            threads, step, side, _, ms, core = line.rstrip("\n").split("\t")
            times[(int(threads), step, side)].append(float(ms))
            if side == "floor":
                floor_info[(int(threads), step)] = core
                rates = times.setdefault((int(threads), step, "rate"), [])
                rates.append(float(core.split("@")[1].removesuffix("GFLOP/s")))
            else:
                cores[side].add(core)
                if side not in sides:
                    sides.append(side)
    genxai = [s for s in sides if s.startswith("genxai-")]
    keys = sorted({(t, s) for t, s, side in times if side == "pytorch"}, key=lambda k: (k[0], STEP_ORDER.index(k[1])))
    med = {k: statistics.median(v) for k, v in times.items()}

    print()
    print("OpenBLAS core per side (as each benchmark process reported it):")
    for side in sides:
        print("  %-12s %s" % (side, ", ".join(sorted(cores[side]))))
    print()
    head = "%-3s %-12s" % ("thr", "step") + "".join(" %11s" % s.removeprefix("genxai-") for s in genxai)
    head += " %11s" % "pytorch" + "".join(" %9s" % (s.removeprefix("genxai-") + "/pt") for s in genxai)
    head += " %9s %8s %9s" % ("floor_ms", "GFLOP", "GFLOP/s") + "".join(" %8s" % ("%" + s.removeprefix("genxai-")) for s in genxai) + " %8s" % "%pt"
    print("medians of %d rounds, ms per step; x/pt = ratio to PyTorch; %%side = GEMM floor ÷ that side's time" % max(len(v) for v in times.values()))
    print(head)
    rows = []
    for t, s in keys:
        pt = med.get((t, s, "pytorch"))
        fl = med.get((t, s, "floor"))
        gflop = float(floor_info[(t, s)].split("@")[2].removesuffix("GFLOP")) if (t, s) in floor_info else float("nan")
        line = "%-3d %-12s" % (t, s) + "".join(" %11.2f" % med[(t, s, g)] for g in genxai) + " %11.2f" % pt
        line += "".join(" %9.2f" % (med[(t, s, g)] / pt) for g in genxai)
        line += " %9.2f %8.3f %9.1f" % (fl, gflop, med[(t, s, "rate")])
        line += "".join(" %7.0f%%" % (100 * fl / med[(t, s, g)]) for g in genxai) + " %7.0f%%" % (100 * fl / pt)
        print(line)
        rows.append((t, s, pt, fl, gflop))
    print()
    print("raw rounds (ms): " + "; ".join(
        "%d %s %s %s" % (t, s, side, "/".join("%.1f" % x for x in times[(t, s, side)]))
        for t, s in keys for side in sides))
    print()
    print("| step | threads | " + " | ".join("genxai %s (ms)" % g.removeprefix("genxai-") for g in genxai)
          + " | PyTorch (ms) | " + " | ".join("%s ÷ PyTorch" % g.removeprefix("genxai-") for g in genxai)
          + " | GEMM floor (ms) | floor reached: " + " / ".join(g.removeprefix("genxai-") for g in genxai) + " / PyTorch |")
    print("|" + "---|" * (5 + 2 * len(genxai)))
    for t, s, pt, fl, gflop in rows:
        print("| %s | %d | " % (s, t) + " | ".join("%.1f" % med[(t, s, g)] for g in genxai)
              + " | %.1f | " % pt + " | ".join("%.2f×" % (med[(t, s, g)] / pt) for g in genxai)
              + " | %.1f (%.2f GFLOP at %.0f GFLOP/s) | " % (fl, gflop, med[(t, s, "rate")])
              + " / ".join("%.0f%%" % (100 * fl / med[(t, s, g)]) for g in genxai + ["pytorch"]) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
