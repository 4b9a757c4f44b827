#!/usr/bin/python3
"""Side-by-side reference for `genxai svm`: scikit-learn's SVC (libsvm).

Two sub-commands:

  prepare DIR   write the benchmark tables as CSV files into DIR
                (breast cancer with the bundled split; the first 5000 training
                and 2000 test images of Fashion-MNIST, pixels / 255; the 8x8
                digits, first 1198 rows for training, last 599 for testing)
  fit ...       train sklearn.svm.SVC on --train (--repeat times), score
                --test, print one JSON line: accuracy, n_support, fit_seconds
                and fit_cpu_seconds (fastest fit), predict_seconds

Run with /usr/bin/python3 (Debian's python3-sklearn). Nothing is downloaded.
"""
import argparse
import csv
import gzip
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_csv(path, X, y, names, label):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(names) + [label])
        for row, t in zip(X, y):
            w.writerow([repr(float(v)) for v in row] + [int(t)])


def prepare(out, repo):
    os.makedirs(out, exist_ok=True)
    # (a) breast cancer, the bundled split.
    bc = os.path.join(repo, "data/embedded/breast_cancer.csv")
    if not os.path.exists(bc):
        bc = "/work/shared/data/breast_cancer.csv"
    X, y, feats = read_labelled(bc, "target")
    sp = os.path.join(os.path.dirname(bc), "breast_cancer_split.json")
    with open(sp) as f:
        split = json.load(f)
    write_csv(os.path.join(out, "bc_train.csv"), X[split["train"]], y[split["train"]], feats, "target")
    write_csv(os.path.join(out, "bc_test.csv"), X[split["test"]], y[split["test"]], feats, "target")
    # (b) Fashion-MNIST features: raw pixels / 255.
    fm = "/usr/share/datasets/fashion-mnist"
    Xtr = read_idx(os.path.join(fm, "train-images-idx3-ubyte.gz"))[:5000].reshape(5000, -1) / 255.0
    ytr = read_idx(os.path.join(fm, "train-labels-idx1-ubyte.gz"))[:5000]
    Xte = read_idx(os.path.join(fm, "t10k-images-idx3-ubyte.gz"))[:2000].reshape(2000, -1) / 255.0
    yte = read_idx(os.path.join(fm, "t10k-labels-idx1-ubyte.gz"))[:2000]
    names = ["p%d" % i for i in range(Xtr.shape[1])]
    write_csv(os.path.join(out, "fm_train.csv"), Xtr, ytr, names, "label")
    write_csv(os.path.join(out, "fm_test.csv"), Xte, yte, names, "label")
    # (c) 8x8 digits, raw pixel values 0..16.
    dg = os.path.join(repo, "data/embedded/digits8x8.csv.gz")
    if not os.path.exists(dg):
        dg = "/work/shared/data/digits8x8.csv.gz"
    X, y, feats = read_labelled(dg, "label")
    write_csv(os.path.join(out, "dg_train.csv"), X[:1198], y[:1198], feats, "label")
    write_csv(os.path.join(out, "dg_test.csv"), X[1198:], y[1198:], feats, "label")


def read_labelled(path, label):
    """Reads a CSV file (gzip-compressed when its name ends in .gz) with a
    header: returns the features X, the integer labels y of column label and
    the feature names."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    li = header.index(label)
    feats = [h for i, h in enumerate(header) if i != li]
    X = np.array([[float(v) for i, v in enumerate(r) if i != li] for r in body])
    y = np.array([int(float(r[li])) for r in body])
    return X, y, feats


def load(path, label):
    X, y, _ = read_labelled(path, label)
    return X, y


def fit(a):
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    Xtr, ytr = load(a.train, a.label)
    Xte, yte = load(a.test, a.label)
    gamma = a.gamma if a.gamma in ("scale", "auto") else float(a.gamma)
    fit_s = fit_cpu = float("inf")
    X0 = Xtr
    for _ in range(a.repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        scaler = None
        Xtr = X0
        if a.standardize:
            scaler = StandardScaler().fit(Xtr)
            Xtr = scaler.transform(Xtr)
        clf = SVC(C=a.C, kernel=a.kernel, gamma=gamma, tol=a.tol, cache_size=a.cache_mb,
                  shrinking=True, decision_function_shape="ovo")
        clf.fit(Xtr, ytr)
        fit_s = min(fit_s, time.perf_counter() - t0)
        fit_cpu = min(fit_cpu, time.process_time() - c0)
    t0 = time.perf_counter()
    if scaler is not None:
        Xte = scaler.transform(Xte)
    pred = clf.predict(Xte)
    pred_s = time.perf_counter() - t0
    print(json.dumps({
        "accuracy": float(np.mean(pred == yte)),
        "n_support": int(clf.n_support_.sum()),
        "fit_seconds": fit_s,
        "fit_cpu_seconds": fit_cpu,
        "predict_seconds": pred_s,
        "gamma": float(clf._gamma),
    }))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir")
    p.add_argument("--repo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    f = sub.add_parser("fit")
    f.add_argument("--train", required=True)
    f.add_argument("--test", required=True)
    f.add_argument("--label", required=True)
    f.add_argument("--kernel", default="rbf")
    f.add_argument("--C", type=float, default=1.0)
    f.add_argument("--gamma", default="scale")
    f.add_argument("--tol", type=float, default=1e-3)
    f.add_argument("--cache-mb", type=float, default=200)
    f.add_argument("--standardize", action="store_true")
    f.add_argument("--repeat", type=int, default=1, help="fits to time; the fastest is reported")
    a = ap.parse_args()
    if a.cmd == "prepare":
        prepare(a.dir, a.repo)
    else:
        fit(a)


if __name__ == "__main__":
    sys.exit(main())
