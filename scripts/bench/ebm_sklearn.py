#!/usr/bin/python3
"""Accuracy of scikit-learn baselines on the bundled breast-cancer split, next
to genxai's EBM (summary.json given as the first argument, optional).

  scripts/bench/ebm.sh   (runs genxai glassbox ebm and this script)

InterpretML is not installable here; its published EBM test accuracy on this
split is 0.9737.
"""
import csv
import json
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

with open("data/embedded/breast_cancer.csv") as f:
    rows = list(csv.reader(f))
X = np.array([[float(v) for v in r[:-1]] for r in rows[1:]])
y = np.array([int(float(r[-1])) for r in rows[1:]])
with open("data/embedded/breast_cancer_split.json") as f:
    split = json.load(f)
tr, te = np.array(split["train"]), np.array(split["test"])

models = {
    "LogisticRegression (standardized, C=1)": make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=10000)),
    "GradientBoostingClassifier (defaults, seed 0)": GradientBoostingClassifier(random_state=0),
    "HistGradientBoostingClassifier (defaults, seed 0)": HistGradientBoostingClassifier(random_state=0),
    "RandomForestClassifier (500 trees, seed 0)": RandomForestClassifier(n_estimators=500, random_state=0),
}
print(f"{'model':52s} test accuracy (114 rows)")
for name, m in models.items():
    m.fit(X[tr], y[tr])
    acc = (m.predict(X[te]) == y[te]).mean()
    print(f"{name:52s} {acc:.4f} ({int(round(acc * 114))}/114)")
if len(sys.argv) > 1:
    with open(sys.argv[1]) as f:
        s = json.load(f)
    acc = s["accuracy"]
    print(f"{'genxai EBM':52s} {acc:.4f} ({int(round(acc * 114))}/114)")
    print("genxai EBM top five terms:", ", ".join(s["top_features"]))
