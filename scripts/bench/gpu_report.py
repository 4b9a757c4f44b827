"""Summarises the GPU speed comparison of issue 12: genxai's training steps
against their PyTorch peers on the same GPU, same model and batch.

Reads a JSONL file of results, one line per side and round: genxai's from
`genxai bench --json` (with the step's floor_ms, the larger of its FLOPs over
the peak FLOP rate and its bytes over the peak bandwidth), PyTorch's from
scripts/bench/*_torch.py --json (side pytorch-eager, or pytorch-compile for
torch.compile(mode="reduce-overhead"); a compiled peer that could not run
has ms null and says why in "unavailable"). Lines that are not JSON objects
are skipped. Prints, per step, a markdown table: each side's median ms over
the rounds and their spread (min-max), genxai's throughput over each peer's
(peer ms / genxai ms), the fraction of the floor each side reaches (floor_ms
/ ms), the issue's target against PyTorch eager (VAE 1.5x, the others 1.0x)
met or not, and the FLOP counts of both sides where PyTorch's
FlopCounterMode gave one. What is missing prints as a dash.

    python3 scripts/bench/gpu_report.py RESULTS.jsonl
    python3 scripts/bench/gpu_report.py --self-test"""
import json
import statistics
import sys
import tempfile
import unittest

STEP_ORDER = ["vae", "cnn", "dcgan", "transformer"]
# Issue 12's targets: genxai's throughput over PyTorch eager's, per step.
TARGETS = {"vae": 1.5, "cnn": 1.0, "dcgan": 1.0, "transformer": 1.0}
DASH = "—"
PEERS = [("pytorch-eager", "PyTorch eager"), ("pytorch-compile", 'PyTorch compile ("reduce-overhead")')]


def load(path):
    """Returns the JSON objects of the file's lines, skipping other lines."""
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                sys.stderr.write("gpu_report: %s: skipped a line that is not JSON: %.60s\n" % (path, line))
    return records


class Side:
    """The rounds of one side of one step: median, spread, FLOPs, and why
    it did not run if it did not."""

    def __init__(self, rows):
        self.rows = rows
        self.times = [r["ms"] for r in rows if isinstance(r.get("ms"), (int, float))]
        self.ms = statistics.median(self.times) if self.times else None
        self.unavailable = next((r["unavailable"] for r in rows if r.get("unavailable")), None)
        flops = [r["flops"] for r in rows if isinstance(r.get("flops"), (int, float))]
        self.flops = flops[0] if flops else None

    def spread(self):
        """The min-max of the rounds' times, or a dash."""
        if not self.times:
            return DASH
        return "%s–%s (%d)" % (fmt_ms(min(self.times)), fmt_ms(max(self.times)), len(self.times))


def fmt_ms(ms):
    """Milliseconds with four significant digits."""
    return "%.4g" % ms


def ratio(peer, genxai):
    """genxai's throughput over the peer's (peer ms / genxai ms), or None."""
    if peer is None or genxai is None or genxai.ms is None or peer.ms is None:
        return None
    return peer.ms / genxai.ms


def fraction(floor_ms, side):
    """The fraction of the floor the side reaches, as text, or a dash."""
    if floor_ms is None or side is None or side.ms is None:
        return DASH
    return "%.3g%%" % (100 * floor_ms / side.ms)


def step_table(step, rows):
    """The markdown section of one step from its result rows."""
    genxai_rows = [r for r in rows if r.get("side") == "genxai"]
    floors = [r["floor_ms"] for r in genxai_rows if isinstance(r.get("floor_ms"), (int, float)) and r["floor_ms"] > 0]
    floor_ms = statistics.median(floors) if floors else None
    # genxai's rows by executor and TF32; each group is compared with the
    # peers of the same precision.
    groups = sorted({(r.get("executor", ""), bool(r.get("tf32"))) for r in genxai_rows}) or [("", False)]
    genxai = {g: Side([r for r in genxai_rows if (r.get("executor", ""), bool(r.get("tf32"))) == g]) for g in groups}
    peers = {side: Side([r for r in rows if r.get("side") == side and not r.get("tf32")]) for side, _ in PEERS}
    peers_tf32 = {side: Side([r for r in rows if r.get("side") == side and r.get("tf32")]) for side, _ in PEERS}
    peers_of = {False: peers, True: peers_tf32}

    def label_of(group):
        e, tf32 = group
        parts = [p for p in (e, "TF32" if tf32 else "") if p]
        return "genxai" + (" (%s)" % ", ".join(parts) if parts else "")
    first = next(iter(rows))
    batch = first.get("batch", DASH)
    gpu = next((r["gpu"] for r in rows if r.get("gpu")), None) or "on " + "/".join(
        sorted({str(r.get("device", DASH)) for r in rows}))
    target = TARGETS.get(step)
    out = ["### %s (batch %s, %s; floor %s ms; target %s× PyTorch eager's throughput)" % (
        step, batch, gpu, fmt_ms(floor_ms) if floor_ms is not None else DASH,
        "%g" % target if target else DASH), ""]
    out.append("| side | ms (median) | rounds min–max (n) | genxai ÷ eager | genxai ÷ compile | floor reached |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for grp, g in genxai.items():
        cells = []
        for side, _ in PEERS:
            r = ratio(peers_of[grp[1]][side], g)
            cells.append("%.2f×" % r if r is not None else DASH)
        label = label_of(grp)
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            label, fmt_ms(g.ms) if g.ms is not None else DASH, g.spread(), cells[0], cells[1], fraction(floor_ms, g)))
    for group, suffix in ((peers, ""), (peers_tf32, ", TF32")):
        for side, name in PEERS:
            p = group[side]
            if not p.rows and suffix:
                continue
            if p.ms is not None:
                ms = fmt_ms(p.ms)
            else:
                ms = "unavailable (%s)" % p.unavailable if p.unavailable else DASH
            out.append("| %s%s | %s | %s | | | %s |" % (name, suffix, ms, p.spread(), fraction(floor_ms, p)))
    out.append("")
    for grp, g in genxai.items():
        if grp[1]:
            continue  # the targets are FP32's
        r = ratio(peers["pytorch-eager"], g)
        label = label_of(grp)
        if r is None or target is None:
            verdict = DASH + " (a side is missing)"
        else:
            verdict = "%s: %.2f× against %g×" % ("met" if r >= target else "not met", r, target)
        out.append("- target, %s against PyTorch eager: %s" % (label, verdict))
        out.append("- FLOPs per step, %s" % flops_line(g, peers["pytorch-eager"]))
    out.append("")
    return "\n".join(out)


def flops_line(genxai, eager):
    """genxai's FLOP count beside FlopCounterMode's, with the difference
    (information: the two count different sets of operations)."""
    g, p = genxai.flops, eager.flops
    if p is None:
        return "genxai %s; PyTorch %s (no FlopCounterMode count)" % ("%.4g" % g if g is not None else DASH, DASH)
    if g is None:
        return "genxai %s; PyTorch FlopCounterMode %.4g" % (DASH, p)
    return "genxai %.4g; PyTorch FlopCounterMode %.4g (genxai %+.1f%%)" % (g, p, 100 * (g - p) / p)


def report(records):
    """The markdown report of all steps the records name, in STEP_ORDER
    first."""
    by_step = {}
    for r in records:
        by_step.setdefault(r.get("step", DASH), []).append(r)
    order = [s for s in STEP_ORDER if s in by_step] + sorted(s for s in by_step if s not in STEP_ORDER)
    if not order:
        return "no results\n"
    return "\n".join(step_table(s, by_step[s]) for s in order)


class SelfTest(unittest.TestCase):
    """The report on a synthetic JSONL file: medians, ratios, targets,
    floors, FLOP counts, an unavailable compiled peer and missing sides."""

    def render(self, lines):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as f:
            for line in lines:
                f.write((json.dumps(line) if isinstance(line, dict) else line) + "\n")
            f.flush()
            return report(load(f.name))

    def test_report(self):
        g = {"side": "genxai", "step": "vae", "device": "cuda", "executor": "plan", "gpu": "NVIDIA H200",
             "batch": 128, "steps": 200, "flops": 1.05e9, "floor_ms": 0.02}
        e = {"side": "pytorch-eager", "step": "vae", "device": "cuda", "gpu": "NVIDIA H200", "tf32": False,
             "batch": 128, "steps": 200, "flops": 1.0e9}
        text = self.render([
            dict(g, ms=0.5), dict(g, ms=0.4), dict(g, ms=0.45), "openblas line from a peer, not JSON",
            dict(e, ms=0.8), dict(e, ms=0.9), dict(e, ms=1.0),
            dict(e, side="pytorch-compile", ms=None, flops=None, unavailable="PyTorch 1.13 has no torch.compile"),
            dict(e, step="cnn", batch=64, ms=2.0),
            dict(g, step="transformer", batch=12, ms=1.0), dict(e, step="transformer", batch=12, ms=0.9),
            dict(e, step="transformer", side="pytorch-compile", batch=12, ms=0.5),
            dict(e, step="transformer", batch=12, ms=0.7, tf32=True),
        ])
        vae = text[:text.index("### cnn")]
        # Medians 0.45 and 0.9: 2.00x, target 1.5 met; floor 0.02 / 0.45.
        self.assertIn("| genxai (plan) | 0.45 | 0.4–0.5 (3) | 2.00× | — | 4.44% |", vae)
        self.assertIn("| PyTorch eager | 0.9 | 0.8–1 (3) | | | 2.22% |", vae)
        self.assertIn("unavailable (PyTorch 1.13 has no torch.compile)", vae)
        self.assertIn("met: 2.00× against 1.5×", vae)
        self.assertIn("genxai 1.05e+09; PyTorch FlopCounterMode 1e+09 (genxai +5.0%)", vae)
        # No genxai side: dashes, no crash.
        cnn = text[text.index("### cnn"):text.index("### transformer")]
        self.assertIn("floor — ms", cnn)
        self.assertIn("target, genxai against PyTorch eager: — (a side is missing)", cnn)
        self.assertIn("| PyTorch eager | 2 | 2–2 (1) | | | — |", cnn)
        transformer = text[text.index("### transformer"):]
        self.assertIn("| genxai (plan) | 1 | 1–1 (1) | 0.90× | 0.50× | 2% |", transformer)
        self.assertIn("| PyTorch eager, TF32 | 0.7 |", transformer)
        self.assertIn("not met: 0.90× against 1×", transformer)

    def test_empty(self):
        self.assertEqual(self.render(["not json"]), "no results\n")


def main(argv):
    if argv[1:] == ["--self-test"]:
        result = unittest.TextTestRunner(verbosity=1).run(unittest.defaultTestLoader.loadTestsFromTestCase(SelfTest))
        return 0 if result.wasSuccessful() else 1
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage:\n    " + __doc__.split("\n\n")[-1].strip() + "\n")
        return 2
    sys.stdout.write(report(load(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
