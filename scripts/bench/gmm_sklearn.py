#!/usr/bin/python3
"""Side-by-side reference for `genxai gmm`: scikit-learn's GaussianMixture.

Two sub-commands, both used by scripts/bench/gmm.sh:

  prepare DIR
      Writes the benchmark data sets as CSV files with a header into DIR:
        bc_train.csv, bc_test.csv         breast cancer (data/ split of
                                          /work/shared/data), 30 features
                                          standardized with the training
                                          means and standard deviations
        digits_train.csv, digits_test.csv 8x8 digits, 75/25 split (seed 0),
                                          projected on the first 20 principal
                                          components of the training part (exact SVD, so
                                          the files are the same every run)
  compare --train CSV --test CSV --components K --covariance TYPE
          [--n-init N] [--seed S] [--reg-covar R] [--tol T] [--max-iter M]
          [--repeats R] [--genxai-summary FILE ...]
      Fits sklearn.mixture.GaussianMixture with the same settings, prints its
      held-out mean log-likelihood and median fit time, and, given the
      summary.json files of genxai runs on the same data, the relative
      difference of the held-out log-likelihoods and the fit-time ratio.

Run with Debian's /usr/bin/python3 (python3-sklearn); never a test dependency.
"""
import argparse
import csv
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split

DATA = os.environ.get("GENXAI_DATA", "/work/shared/data")


def write_csv(path, X, names):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for row in X:
            w.writerow([repr(float(v)) for v in row])


def read_csv(path):
    with open(path) as f:
        r = csv.reader(f)
        header = next(r)
        X = np.array([[float(v) for v in row] for row in r if row], dtype=np.float64)
    return header, X


def prepare(out):
    os.makedirs(out, exist_ok=True)
    # Breast cancer with the shared 455/114 split.
    with open(os.path.join(DATA, "breast_cancer.csv")) as f:
        r = csv.reader(f)
        header = next(r)
        rows = [[float(v) for v in row] for row in r if row]
    li = header.index("target")
    feats = [h for i, h in enumerate(header) if i != li]
    X = np.array([[v for i, v in enumerate(row) if i != li] for row in rows])
    with open(os.path.join(DATA, "breast_cancer_split.json")) as f:
        split = json.load(f)
    tr, te = X[split["train"]], X[split["test"]]
    mu, sd = tr.mean(axis=0), tr.std(axis=0)
    write_csv(os.path.join(out, "bc_train.csv"), (tr - mu) / sd, feats)
    write_csv(os.path.join(out, "bc_test.csv"), (te - mu) / sd, feats)
    # Digits, PCA-20 fitted on the training part.
    with gzip.open(os.path.join(DATA, "digits8x8.csv.gz"), "rt") as f:
        r = csv.reader(f)
        header = next(r)
        rows = [[float(v) for v in row] for row in r if row]
    li = header.index("label")
    X = np.array([[v for i, v in enumerate(row) if i != li] for row in rows])
    tr, te = train_test_split(X, test_size=0.25, random_state=0)
    pca = PCA(n_components=20, svd_solver="full").fit(tr)
    names = ["pc%d" % i for i in range(20)]
    write_csv(os.path.join(out, "digits_train.csv"), pca.transform(tr), names)
    write_csv(os.path.join(out, "digits_test.csv"), pca.transform(te), names)
    print("wrote", out)


def compare(a):
    _, Xtr = read_csv(a.train)
    _, Xte = read_csv(a.test)
    times, lls = [], []
    for rep in range(a.repeats):
        gm = GaussianMixture(n_components=a.components, covariance_type=a.covariance,
                             n_init=a.n_init, random_state=a.seed, reg_covar=a.reg_covar,
                             tol=a.tol, max_iter=a.max_iter)
        t0 = time.perf_counter()
        gm.fit(Xtr)
        times.append(time.perf_counter() - t0)
        lls.append(gm.score(Xte))
    sk_ll, sk_t = lls[0], statistics.median(times)
    name = os.path.basename(a.train)
    print(f"{name}: K={a.components} {a.covariance} n_init={a.n_init}")
    print(f"  sklearn  test mean loglik {sk_ll:.6f}  train {gm.score(Xtr):.6f}  "
          f"iterations {gm.n_iter_}  converged {gm.converged_}  fit {sk_t*1e3:.1f} ms (median of {a.repeats})")
    if a.genxai_summary:
        gs = [json.load(open(p)) for p in a.genxai_summary]
        g_ll = gs[0]["test_mean_loglik"]
        g_t = statistics.median(s["fit_seconds"] for s in gs)
        rel = (g_ll - sk_ll) / abs(sk_ll)
        print(f"  genxai   test mean loglik {g_ll:.6f}  train {gs[0]['train_mean_loglik']:.6f}  "
              f"iterations {gs[0]['iterations']}  converged {gs[0]['converged']}  fit {g_t*1e3:.1f} ms (median of {len(gs)})")
        verdict = "within 1%" if abs(rel) <= 0.01 else "OUTSIDE 1%"
        print(f"  relative difference (genxai - sklearn)/|sklearn| = {rel*100:+.3f}% ({verdict}); "
              f"fit-time ratio genxai/sklearn = {g_t/sk_t:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir")
    c = sub.add_parser("compare")
    c.add_argument("--train", required=True)
    c.add_argument("--test", required=True)
    c.add_argument("--components", type=int, required=True)
    c.add_argument("--covariance", required=True, choices=["full", "tied", "diag", "spherical"])
    c.add_argument("--n-init", type=int, default=1)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--reg-covar", type=float, default=1e-6)
    c.add_argument("--tol", type=float, default=1e-3)
    c.add_argument("--max-iter", type=int, default=100)
    c.add_argument("--repeats", type=int, default=3)
    c.add_argument("--genxai-summary", nargs="*")
    a = ap.parse_args()
    if a.cmd == "prepare":
        prepare(a.dir)
    else:
        compare(a)


if __name__ == "__main__":
    sys.exit(main())
