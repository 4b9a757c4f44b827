"""What the PyTorch peers of genxai's step benchmarks (*_torch.py) share: the
command line THREADS STEPS, PyTorch's thread count and seed, the report of the
OpenBLAS kernels this process runs, and the timing loop. Imported from the
directory of the script that runs; scripts/bench/steps.sh parses the output."""
import ctypes
import os
import sys
import time

import torch


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


def setup():
    """Reads THREADS and STEPS from the command line, gives PyTorch THREADS
    threads, seeds it with 1, prints the OpenBLAS line; returns (threads,
    steps)."""
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    path, core, blas_threads = openblas()
    print("openblas library=%s core=%s threads=%d torch=%s intra_op_threads=%d mkldnn=%s" % (
        path, core, blas_threads, torch.__version__, torch.get_num_threads(),
        torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled))
    return threads, steps


def time_steps(step, steps, warmup):
    """Runs step() warmup times untimed, then steps times, and prints the
    milliseconds per timed step as ms=VALUE."""
    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    print("ms=%.4f" % ((time.perf_counter() - t0) / steps * 1e3))
