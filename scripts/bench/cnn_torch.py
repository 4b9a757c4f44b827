"""PyTorch peer of models.BenchmarkCNNStep: one Adam step of the Fashion-MNIST
CNN of configs/cnn-fashion.yaml (3x3 conv 32, ReLU, 2x2 max-pool, 3x3 conv 64,
ReLU, max-pool, dense 128, ReLU, dropout 0.3, dense 10; softmax cross-entropy)
on a batch of 64 random images. Prints milliseconds per step.
Usage: cnn_torch.py THREADS STEPS [--device cpu|cuda] [--compile] [--tf32] [--json]
(the options: scripts/bench/torchbench.py)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchbench

bench = torchbench.setup("cnn", batch=64)
dev = bench.device

model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(128, 10)).to(dev)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(64, 1, 28, 28, device=dev)
y = torch.randint(0, 10, (64,), device=dev)

def loss_fn(x, y):
    return F.cross_entropy(model(x), y)

def make_step(loss_fn):
    def step():
        opt.zero_grad()
        loss_fn(x, y).backward()
        opt.step()
    return step

bench.run(make_step, loss_fn, warmup=5)
