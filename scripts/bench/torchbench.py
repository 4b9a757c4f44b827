"""What the PyTorch peers of genxai's step benchmarks (*_torch.py) share: the
command line THREADS STEPS, PyTorch's thread count and seed, and the timing
loop. Imported from the directory of the script that runs."""
import sys
import time

import torch


def setup():
    """Reads THREADS and STEPS from the command line, gives PyTorch THREADS
    threads and seeds it with 1; returns (threads, steps)."""
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    return threads, steps


def time_steps(step, steps, warmup):
    """Runs step() warmup times untimed, then steps times, and prints the
    milliseconds per timed step."""
    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    print("%.4f" % ((time.perf_counter() - t0) / steps * 1e3))
