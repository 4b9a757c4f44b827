"""PyTorch peer of models.BenchmarkVAEStep: one Adam step of the Fashion-MNIST
MLP VAE (784-400-20-400-784, batch 128, Bernoulli likelihood) on random pixels.
Prints milliseconds per step.
Usage: vae_torch.py THREADS STEPS [--device cpu|cuda] [--compile] [--tf32] [--json]
(the options: scripts/bench/torchbench.py)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchbench

bench = torchbench.setup("vae", batch=128)
dev = bench.device

class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.fc4(F.relu(self.fc3(z))), mu, logvar

model = VAE().to(dev)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(128, 784, device=dev)

def loss_fn(x):
    logits, mu, logvar = model(x)
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.shape[0]

def make_step(loss_fn):
    def step():
        opt.zero_grad()
        loss_fn(x).backward()
        opt.step()
    return step

bench.run(make_step, loss_fn, warmup=10)
