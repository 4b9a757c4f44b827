#!/usr/bin/env python3
"""Reference values for the tests of xai/eval, from numpy and scipy alone.

Writes xai/eval/testdata/reference.json: two fixed feature sets (real: 40
rows, fake: 50 rows, 6 features, drawn from numpy's seeded generator and
rounded to 6 decimals so that Go reads exactly the numbers used here), and

  fid      the Fréchet distance of Heusel et al. (2017) as pytorch-fid computes
           it: |mu1-mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrtm(S1 S2)), with
           np.cov (divisor n-1) and scipy.linalg.sqrtm;
  mmd2     the unbiased MMD^2 with the kernel (x.y/d + 1)^3 over the full sets
           (Bińkowski et al. 2018, the code of their polynomial_mmd);
  kid      mean and std (ddof 0) of that MMD^2 over the fixed subsets listed
           in the file (kid_subsets_real/fake), as their
           polynomial_mmd_averages reports them.

Run once with Debian's python3-numpy and python3-scipy:
    python3 scripts/eval_reference.py
The Go tests read the committed file and need no Python.
"""
import json
import os

import numpy as np
import scipy.linalg

rng = np.random.default_rng(20190101)
d = 6
real = np.round(rng.normal(0.0, 1.0, size=(40, d)), 6)
mix = rng.normal(0.0, 1.0, size=(d, d)) * 0.4
fake = np.round(rng.normal(0.3, 1.0, size=(50, d)) @ (np.eye(d) + mix), 6)


def fid(x, y):
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1 @ s2, disp=False)
    covmean = covmean.real
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def mmd2(x, y):
    dim = x.shape[1]
    kxx = (x @ x.T / dim + 1) ** 3
    kyy = (y @ y.T / dim + 1) ** 3
    kxy = (x @ y.T / dim + 1) ** 3
    m, n = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1))
                 + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2 * kxy.sum() / (m * n))


sub_rng = np.random.default_rng(7)
subsets_real = [sorted(sub_rng.choice(len(real), 15, replace=False).tolist()) for _ in range(5)]
subsets_fake = [sorted(sub_rng.choice(len(fake), 15, replace=False).tolist()) for _ in range(5)]
est = np.array([mmd2(real[a], fake[b]) for a, b in zip(subsets_real, subsets_fake)])

out = {
    "generated_by": "scripts/eval_reference.py (numpy %s, scipy %s)" % (np.__version__, scipy.__version__),
    "real": real.tolist(),
    "fake": fake.tolist(),
    "fid": fid(real, fake),
    "fid_self": fid(real, real),
    "mmd2": mmd2(real, fake),
    "kid_subsets_real": subsets_real,
    "kid_subsets_fake": subsets_fake,
    "kid_mean": float(est.mean()),
    "kid_std": float(est.std()),
}
path = os.path.join(os.path.dirname(__file__), "..", "xai", "eval", "testdata", "reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path), {k: out[k] for k in ("fid", "fid_self", "mmd2", "kid_mean", "kid_std")})
