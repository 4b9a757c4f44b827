#!/usr/bin/python3
"""Reference coefficients of a logistic regression on a grouped table, from
statsmodels' GLM (binomial family, frequency weights, C(column) for text
columns), for the Go tests of `genxai glassbox logreg --weight`.

Usage: /usr/bin/python3 scripts/glm_reference.py TABLE.csv LABEL WEIGHT > OUT.csv

Uses Debian's python3-statsmodels. Text columns enter as C(col) with the
reference level genxai chooses by default: the most frequent level by total
weight, the first in sorted order on a tie. The output has genxai's term
names (intercept, col[level], numeric columns) and columns term, coef, se, z,
p, odds_ratio, ci_low, ci_high (95% Wald, normal quantile), printed with 17
significant digits. Run once; the output is committed as a test fixture
(xai/glassbox/testdata/smoking_glm.csv) so the Go tests need no Python.
"""
import sys

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf


def main():
    path, label, weight = sys.argv[1:4]
    df = pd.read_csv(path)
    terms, names = [], {"Intercept": "intercept"}
    for col in df.columns:
        if col in (label, weight):
            continue
        if df[col].dtype == object:
            freq = df.groupby(col)[weight].sum()
            ref = sorted(freq.index, key=lambda lv: (-freq[lv], lv))[0]
            term = f"C({col}, Treatment(reference={ref!r}))"
            for lv in sorted(df[col].unique()):
                names[f"{term}[T.{lv}]"] = f"{col}[{lv}]"
        else:
            term = col
            names[col] = col
        terms.append(term)
    formula = f"{label} ~ " + " + ".join(terms)
    fit = smf.glm(formula, data=df, family=sm.families.Binomial(),
                  freq_weights=np.asarray(df[weight], dtype=float)).fit(tol=1e-14)
    ci = fit.conf_int(alpha=0.05)
    print(f"# statsmodels {statsmodels.__version__} GLM binomial, freq_weights={weight}: {formula}")
    print("term,coef,se,z,p,odds_ratio,ci_low,ci_high")
    for name in fit.params.index:
        b, se = fit.params[name], fit.bse[name]
        row = [b, se, fit.tvalues[name], fit.pvalues[name], np.exp(b), np.exp(ci.loc[name, 0]), np.exp(ci.loc[name, 1])]
        print(names[name] + "," + ",".join(f"{v:.17g}" for v in row))


if __name__ == "__main__":
    main()
