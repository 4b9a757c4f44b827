#!/usr/bin/python3
"""Fit statsmodels' Logit on a CSV and compare it with genxai's summary.json.

Usage:
  logreg_statsmodels.py fit CSV TARGET FEATURE[,FEATURE...]            print the statsmodels table as JSON
  logreg_statsmodels.py compare CSV TARGET FEATURES GENXAI_SUMMARY     print max relative differences
  logreg_statsmodels.py simulate OUT_CSV ROWS SEED                     write a simulated non-separable data set
  logreg_statsmodels.py breast OUT_CSV SPLIT_JSON SRC_CSV              write the 455 training rows of breast cancer

Run through scripts/bench/logreg.sh. Needs python3-statsmodels (Debian) and
/usr/bin/python3.
"""
import csv
import json
import sys

import numpy as np


def load(path, target, features):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in features] for r in rows])
    y = np.array([float(r[target]) for r in rows])
    return X, y


def fit(path, target, features):
    import statsmodels.api as sm

    X, y = load(path, target, features)
    res = sm.Logit(y, sm.add_constant(X, has_constant="add")).fit(method="newton", maxiter=200, tol=1e-12, disp=0)
    names = ["intercept"] + features
    return {
        "llf": float(res.llf),
        "llnull": float(res.llnull),
        "prsquared": float(res.prsquared),
        "llr": float(res.llr),
        "llr_pvalue": float(res.llr_pvalue),
        "coefficients": [
            {"feature": n, "coef": float(b), "se": float(s), "p": float(p)}
            for n, b, s, p in zip(names, res.params, res.bse, res.pvalues)
        ],
    }


def compare(path, target, features, summary):
    sm = fit(path, target, features)
    with open(summary) as f:
        gx = json.load(f)
    ours = {c["feature"]: c for c in gx["coefficients"]}
    worst = {"coef": 0.0, "se": 0.0, "p": 0.0}
    where = {}
    for c in sm["coefficients"]:
        o = ours[c["feature"]]
        for k in worst:
            d = abs(o[k] - c[k]) / max(abs(c[k]), 1e-300)
            if d > worst[k]:
                worst[k], where[k] = d, c["feature"]
    ll = abs(gx["log_likelihood"] - sm["llf"]) / abs(sm["llf"])
    r2 = abs(gx["pseudo_r2_mcfadden"] - sm["prsquared"]) / abs(sm["prsquared"])
    lr = abs(gx["lr_statistic"] - sm["llr"]) / abs(sm["llr"])
    print(f"  max relative difference: coef {worst['coef']:.2e} ({where.get('coef')}), "
          f"se {worst['se']:.2e} ({where.get('se')}), p {worst['p']:.2e} ({where.get('p')})")
    print(f"  log-likelihood {ll:.2e}, LR statistic {lr:.2e}, McFadden R² {r2:.2e}")
    ok = max(worst.values()) <= 1e-4
    print("  PASS (all ≤ 1e-4)" if ok else "  FAIL (some > 1e-4)")
    return ok


def simulate(out, rows, seed):
    rng = np.random.default_rng(seed)
    beta = np.array([-0.4, 0.8, -0.5, 0.3, 0.0, 1.2])
    n, p = rows, len(beta) - 1
    X = rng.normal(size=(n, p)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    X[:, 1] += 0.6 * X[:, 0]
    X[:, 4] = (rng.random(n) < 0.3).astype(float)  # a binary feature
    eta = beta[0] + X @ beta[1:]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{j}" for j in range(p)] + ["y"])
        for i in range(n):
            w.writerow([repr(v) for v in X[i]] + [y[i]])


def breast(out, split, src):
    with open(split) as f:
        train = json.load(f)["train"]
    with open(src) as f:
        rows = list(csv.reader(f))
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(rows[0])
        for i in train:
            w.writerow(rows[i + 1])


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "fit":
        print(json.dumps(fit(sys.argv[2], sys.argv[3], sys.argv[4].split(",")), indent=1))
    elif cmd == "compare":
        sys.exit(0 if compare(sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5]) else 1)
    elif cmd == "simulate":
        simulate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "breast":
        breast(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
