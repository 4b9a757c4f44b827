"""PyTorch peer of models.BenchmarkTransformerStep: one AdamW step of the
character transformer of configs/ar-shakespeare.yaml (nanoGPT's CPU shape: 4
layers, 4 heads, embedding 128, block 64, batch 12, pre-LayerNorm blocks, GELU
MLP, tied output layer, gradient clipping at 1) on random tokens. The
vocabulary is that of the benchmark's corpus, its distinct characters as
genxai counts them (data/corpus/genxai.txt unless CORPUS is given). Attention
is written out (masked softmax of Q K^T / sqrt(d)) as genxai computes it.
Prints milliseconds per step.
Usage: transformer_torch.py THREADS STEPS [CORPUS] [--device cpu|cuda] [--compile] [--tf32] [--json]
(the options: scripts/bench/torchbench.py)."""
import os
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

import torchbench

T, C, H, L, B = 64, 128, 4, 4, 12
bench = torchbench.setup("transformer", batch=B,
                         corpus=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/corpus/genxai.txt"))
dev = bench.device
with open(bench.corpus, encoding="utf-8") as f:
    V = len(set(f.read()))

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.q, self.k, self.v = nn.Linear(C, C), nn.Linear(C, C), nn.Linear(C, C)
        self.proj = nn.Linear(C, C)
        self.fc, self.out = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
        self.register_buffer("mask", torch.triu(torch.full((T, T), -1e9), 1))

    def attn(self, x):
        split = lambda t: t.view(B, T, H, C // H).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(C // H) + self.mask, -1)
        return self.proj((att @ v).transpose(1, 2).reshape(B, T, C))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.Sequential(*[Block() for _ in range(L)])
        self.ln = nn.LayerNorm(C)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(T, device=idx.device))
        return self.ln(self.blocks(x)) @ self.wte.weight.T

model = GPT().to(dev)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
idx = torch.randint(0, V, (B, T), device=dev)
tgt = torch.randint(0, V, (B, T), device=dev)

def loss_fn(idx, tgt):
    return F.cross_entropy(model(idx).view(-1, V), tgt.view(-1))

def make_step(loss_fn):
    def step():
        opt.zero_grad()
        loss_fn(idx, tgt).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return step

bench.run(make_step, loss_fn, warmup=3)
