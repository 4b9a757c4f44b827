"""PyTorch peer of models.BenchmarkDCGANStep: one step of the conditional
DCGAN of configs/cgan-fashion.yaml on batches of 64. Generator: [z(64), one-hot
(10)] -> dense 64*7*7 -> BN, ReLU -> upsample x2, 3x3 conv 32 -> BN, ReLU ->
upsample x2, 3x3 conv 1 -> tanh. Discriminator: [image, 10 label planes] ->
4x4 stride-2 conv 32, LeakyReLU 0.2 -> 4x4 stride-2 conv 64, LeakyReLU -> dense 1,
plus the projection term <embed(y), features> (Miyato & Koyama 2018).
A step: generate 64 fakes, one discriminator update on 64 real + 64 fake in one
batch, one generator update on fresh noise through the frozen discriminator
(non-saturating loss, Adam 4e-4, beta1 0.5; the discriminator's weight
gradients are not computed there, as genxai differentiates only the
generator's parameters). Prints milliseconds per step.
Usage: dcgan_torch.py THREADS STEPS [--device cpu|cuda] [--compile] [--tf32] [--json]
(the options: scripts/bench/torchbench.py; under --compile the two loss
functions below, each with its networks' forward passes, are compiled)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchbench

B, Z, K = 64, 64, 10
bench = torchbench.setup("dcgan", batch=B)
dev = bench.device

class Gen(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(Z + K, 64 * 7 * 7)
        self.bn0 = nn.BatchNorm1d(64 * 7 * 7)
        self.up1 = nn.Conv2d(64, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.out = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, z, y):
        h = F.relu(self.bn0(self.fc(torch.cat([z, y], 1)))).view(-1, 64, 7, 7)
        h = F.relu(self.bn1(self.up1(F.interpolate(h, scale_factor=2, mode="nearest"))))
        return torch.tanh(self.out(F.interpolate(h, scale_factor=2, mode="nearest")))

class Disc(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1 + K, 32, 4, 2, 1)
        self.c2 = nn.Conv2d(32, 64, 4, 2, 1)
        self.fc = nn.Linear(64 * 7 * 7, 1)
        self.embed = nn.Linear(K, 64 * 7 * 7, bias=False)

    def forward(self, x, y):
        planes = y[:, :, None, None].expand(-1, -1, 28, 28)
        h = F.leaky_relu(self.c1(torch.cat([x, planes], 1)), 0.2)
        h = F.leaky_relu(self.c2(h), 0.2).flatten(1)
        return self.fc(h).squeeze(1) + (self.embed(y) * h).sum(1)

G, D = Gen().to(dev), Disc().to(dev)
og = torch.optim.Adam(G.parameters(), lr=4e-4, betas=(0.5, 0.999))
od = torch.optim.Adam(D.parameters(), lr=4e-4, betas=(0.5, 0.999))
real = torch.rand(B, 1, 28, 28, device=dev) * 2 - 1
y = F.one_hot(torch.randint(0, K, (B,), device=dev), K).float()
sign = torch.cat([torch.ones(B, device=dev), -torch.ones(B, device=dev)])

def d_loss(z):
    """The discriminator's loss on 64 real and 64 fresh fakes from noise z."""
    with torch.no_grad():
        fake = G(z, y)
    logits = D(torch.cat([real, fake]), torch.cat([y, y]))
    return F.softplus(-sign * logits).sum() / B

def g_loss(z):
    """The generator's non-saturating loss on fakes from noise z."""
    return F.softplus(-D(G(z, y), y)).mean()

def make_step(d_loss, g_loss):
    def step():
        od.zero_grad()
        d_loss(torch.randn(B, Z, device=dev)).backward()
        od.step()
        D.requires_grad_(False)
        og.zero_grad()
        g_loss(torch.randn(B, Z, device=dev)).backward()
        og.step()
        D.requires_grad_(True)
    return step

bench.run(make_step, d_loss, g_loss, warmup=3)
