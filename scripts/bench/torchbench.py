"""What the PyTorch peers of genxai's step benchmarks (*_torch.py) share: the
command line, PyTorch's thread count, seed and device settings, the report of
the OpenBLAS kernels (on the CPU) or of the GPU, the FLOP count of one step,
and the timing loop. Imported from the directory of the script that runs.

    PEER.py THREADS STEPS [CORPUS] [--device cpu|cuda] [--compile] [--tf32] [--json]

On the CPU without options the output is what scripts/bench/steps.sh parses:
an "openblas ..." line and "ms=VALUE". --json prints one JSON line with the
result on standard output instead (the openblas or cuda line goes to standard
error), for scripts/bench/gpu_report.py.

On cuda the model, optimizer state and data live on the GPU; cuDNN's
autotuner (cudnn.benchmark) is on for eager and compiled runs alike, as
every shape is fixed; TF32 is off for matrix products and convolutions
unless --tf32, as genxai computes in FP32. --compile wraps each peer's
forward-and-loss function in torch.compile(mode="reduce-overhead"): Inductor
kernels, forward and AOTAutograd's backward replayed as CUDA graphs, the
optimizer step eager (a whole step with loss.backward() inside cannot be one
graph: Dynamo breaks the graph at .backward()).

Exit status 3 (with a one-line reason, and with --json a JSON line whose ms
is null and "unavailable" says why) when --compile cannot run: a PyTorch
without torch.compile, or a compilation that fails; the caller records the
compiled peer as unavailable. Exit status 2 for a bad command line or a
device this PyTorch cannot use."""
import argparse
import ctypes
import json
import os
import sys
import time
import traceback

import torch

UNAVAILABLE = 3


def openblas():
    """Returns (path, core, threads) of the OpenBLAS this process loaded
    (Debian's PyTorch reaches it through libblas.so.3), asking the mapped
    library itself through ctypes: openblas_get_corename is the kernel family
    it runs, which OPENBLAS_CORETYPE forces when set. Exits with a message when
    the process has not exactly one OpenBLAS mapped."""
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps
                        if os.path.basename(line.split()[-1]).startswith("libopenblas")})
    if len(paths) != 1:
        sys.exit("torchbench: expected one OpenBLAS mapped by torch, found %s; "
                 "is libblas.so.3 OpenBLAS (update-alternatives --display libblas.so.3-x86_64-linux-gnu)?" % paths)
    lib = ctypes.CDLL(paths[0])
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return paths[0], lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()


class Bench:
    """One peer's run: its parsed command line (threads, steps, corpus,
    device, compile, tf32, json), the torch.device and the step's name and
    batch size."""

    def __init__(self, name, batch, corpus):
        parser = argparse.ArgumentParser(prog="%s_torch.py" % name,
                                         description="PyTorch peer of genxai's %s step benchmark" % name)
        parser.add_argument("threads", type=int, help="PyTorch's intra-op threads")
        parser.add_argument("steps", type=int, help="timed steps")
        if corpus:
            parser.add_argument("corpus", nargs="?", default=corpus, help="text whose distinct characters are the vocabulary")
        parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
        parser.add_argument("--compile", action="store_true",
                            help='torch.compile(mode="reduce-overhead") on the forward and loss')
        parser.add_argument("--tf32", action="store_true", help="allow TF32 in matrix products and convolutions (cuda; no effect on the CPU)")
        parser.add_argument("--json", action="store_true", help="print one JSON line with the result")
        self.args = parser.parse_args()
        self.name, self.batch = name, batch
        self.corpus = getattr(self.args, "corpus", None)
        self.device = torch.device(self.args.device)
        self.side = "pytorch-compile" if self.args.compile else "pytorch-eager"
        self.record = {"side": self.side, "step": name, "device": self.args.device, "gpu": None,
                       "torch": torch.__version__, "tf32": self.args.tf32 and self.args.device == "cuda", "batch": batch,
                       "steps": self.args.steps, "threads": self.args.threads}
        if self.args.compile and not hasattr(torch, "compile"):
            self.unavailable("PyTorch %s has no torch.compile (it needs PyTorch 2.0 or later)" % torch.__version__)
        torch.set_num_threads(self.args.threads)
        torch.manual_seed(1)
        if self.args.device == "cuda":
            self.setup_cuda()
        else:
            path, core, blas_threads = openblas()
            self.info("openblas library=%s core=%s threads=%d torch=%s intra_op_threads=%d mkldnn=%s" % (
                path, core, blas_threads, torch.__version__, torch.get_num_threads(),
                torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled))

    def setup_cuda(self):
        """Checks that a GPU answers, sets TF32 and cuDNN's autotuner, and
        reports torch, CUDA, cuDNN, the GPU and those settings."""
        if not torch.cuda.is_available():
            sys.stderr.write("torchbench: --device cuda: PyTorch %s (CUDA %s) sees no GPU (torch.cuda.is_available() is False); "
                             "run on the GPU machine or use --device cpu\n" % (torch.__version__, torch.version.cuda or "none: a CPU build"))
            sys.exit(2)
        # The legacy flags only: PyTorch 2.9 and later deprecate them for
        # fp32_precision, but refuse (also inside Inductor) a mix of the two.
        torch.backends.cuda.matmul.allow_tf32 = self.args.tf32
        torch.backends.cudnn.allow_tf32 = self.args.tf32
        torch.backends.cudnn.benchmark = True
        props = torch.cuda.get_device_properties(self.device)
        self.record.update(gpu=props.name, cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version(),
                           capability="%d.%d" % (props.major, props.minor), cudnn_benchmark=True)
        self.info("cuda torch=%s cuda=%s cudnn=%s gpu=%r capability=%d.%d memory_gib=%.0f "
                  "tf32_matmul=%s tf32_cudnn=%s cudnn_benchmark=%s" % (
                      torch.__version__, torch.version.cuda, torch.backends.cudnn.version(), props.name,
                      props.major, props.minor, props.total_memory / 2**30,
                      read_flag(lambda: torch.backends.cuda.matmul.allow_tf32),
                      read_flag(lambda: torch.backends.cudnn.allow_tf32),
                      torch.backends.cudnn.benchmark))

    def info(self, line):
        """Prints a setup line: on standard output for steps.sh, on standard
        error under --json so that standard output is the JSON line alone."""
        print(line, file=sys.stderr if self.args.json else sys.stdout, flush=True)

    def unavailable(self, reason):
        """Says why the compiled peer cannot run and exits with status 3."""
        sys.stderr.write("torchbench: %s_torch.py --compile unavailable: %s\n" % (self.name, reason))
        if self.args.json:
            print(json.dumps(dict({"flops": None}, **self.record, ms=None, unavailable=reason)), flush=True)
        sys.exit(UNAVAILABLE)

    def sync(self):
        """Waits for the GPU's queued work (nothing to wait for on the CPU)."""
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def run(self, make_step, *fns, warmup):
        """Times a step. make_step(*fns) returns the step function; fns are
        the peer's forward-and-loss functions, compiled with
        mode="reduce-overhead" under --compile. Under --json counts the FLOPs
        of one eager step first (untimed), then runs warmup steps (at least 20 on cuda:
        compilation, cuDNN's autotuning and CUDA-graph recording happen in
        the first calls), then the timed steps, and prints the milliseconds
        per step (ms=VALUE, or the JSON line)."""
        self.record["flops"] = count_flops(make_step(*fns)) if self.args.json else None
        if self.args.compile:
            fns = tuple(torch.compile(f, mode="reduce-overhead") for f in fns)
        step = make_step(*fns)
        if self.device.type == "cuda":
            warmup = max(warmup, 20)
        t0 = time.perf_counter()
        try:
            for _ in range(warmup):
                mark_step_begin(self.args.compile)
                step()
            self.sync()
        except Exception as err:  # a compiler's error can be of any type
            if not self.args.compile:
                raise
            traceback.print_exc()
            # Dynamo's first line names the backend, the next the cause.
            lines = [l.strip() for l in str(err).splitlines() if l.strip()][:2]
            self.unavailable(("compilation failed: %s: %s" % (type(err).__name__, " ".join(lines)))[:300])
        self.record["warmup_steps"], self.record["warmup_s"] = warmup, round(time.perf_counter() - t0, 3)
        steps = self.args.steps
        self.sync()
        t0 = time.perf_counter()
        for _ in range(steps):
            mark_step_begin(self.args.compile)
            step()
        self.sync()
        ms = (time.perf_counter() - t0) / steps * 1e3
        if self.args.compile:
            self.record["cudagraph_skips"] = cudagraph_skips()
        if self.args.json:
            print(json.dumps(dict(self.record, ms=round(ms, 6))), flush=True)
        else:
            print("ms=%.4f" % ms)


def setup(name, batch, corpus=None):
    """Parses the peer's command line (corpus: the default CORPUS argument,
    for peers that take one), sets threads, seed and device; returns the
    Bench."""
    return Bench(name, batch, corpus)


def read_flag(get):
    """A backend flag's value as it reads back, or why it does not (the
    report line must not end the run)."""
    try:
        return get()
    except Exception as err:  # PyTorch's TF32 getters raise RuntimeError on mixed APIs
        return "unreadable(%s)" % type(err).__name__


def mark_step_begin(compiled):
    """Tells CUDA-graph trees that a new training step begins (PyTorch 2.1
    and later; earlier ones infer it from the calls)."""
    mark = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)
    if compiled and mark is not None:
        mark()


def count_flops(step):
    """FLOPs of one call of step (forward and backward products and
    convolutions, as torch.utils.flop_counter.FlopCounterMode counts them;
    PyTorch 2.1 and later), or None where PyTorch has no FLOP counter."""
    try:
        from torch.utils.flop_counter import FlopCounterMode
    except ImportError:
        return None
    try:
        counter = FlopCounterMode(display=False)
        with counter:
            step()
        return counter.get_total_flops()
    except Exception as err:  # the count is information: never lose the timing over it
        sys.stderr.write("torchbench: FlopCounterMode failed (%s: %s); flops recorded as null\n" % (type(err).__name__, err))
        return None


def cudagraph_skips():
    """How many times Inductor fell back from CUDA graphs (it logs why), or
    None where this PyTorch does not count it."""
    try:
        from torch._dynamo.utils import counters
        return int(counters["inductor"]["cudagraph_skips"])
    except Exception:  # a private counter: absent or renamed across versions
        return None
