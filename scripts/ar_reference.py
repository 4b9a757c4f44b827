#!/usr/bin/python3
"""Reference numbers for genxai's AR(p) (xai/timeseries): statsmodels AutoReg
(conditional least squares, trend "c") on the embedded yearly sunspots
1700-2008, lags 1..9, and ar_select_order by AIC and BIC over 0..maxlag (maxlag 9 and 20).

Run with Debian's python3-statsmodels:
    /usr/bin/python3 scripts/ar_reference.py > xai/timeseries/testdata/ar_sunspots.json
"""
import json
import sys

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa.ar_model import AutoReg, ar_select_order

HORIZON = 10
MAXLAG = 9


def fit(y, p, hold_back=None):
    res = AutoReg(y, lags=p, trend="c", hold_back=hold_back, old_names=False).fit()
    out = {
        "lags": p,
        "hold_back": hold_back if hold_back is not None else p,
        "nobs": int(res.nobs),
        "params": [float(v) for v in res.params],
        "se": [float(v) for v in res.bse],
        "sigma2": float(res.sigma2),
        "llf": float(res.llf),
        "aic": float(res.aic),
        "bic": float(res.bic),
    }
    if hold_back is None:
        pred = res.get_prediction(start=len(y), end=len(y) + HORIZON - 1)
        ci = np.asarray(pred.conf_int(alpha=0.05))
        out["forecast"] = [float(v) for v in np.asarray(pred.predicted_mean)]
        out["forecast_var"] = [float(v) for v in np.asarray(pred.var_pred_mean)]
        out["lower"] = [float(v) for v in ci[:, 0]]
        out["upper"] = [float(v) for v in ci[:, 1]]
    return out


def main():
    data = pd.read_csv("data/embedded/sunspots.csv")
    y = data["SUNACTIVITY"].to_numpy(dtype=float)
    fits = [fit(y, p) for p in range(1, MAXLAG + 1)]
    # The common sample ar_select_order compares the orders on.
    common = [fit(y, p, hold_back=MAXLAG) for p in range(1, MAXLAG + 1)]
    select = []
    for maxlag in (MAXLAG, 20):
        for ic in ("aic", "bic"):
            sel = ar_select_order(y, maxlag=maxlag, ic=ic, trend="c", old_names=False)
            lags = sel.ar_lags
            select.append({"maxlag": maxlag, "ic": ic, "lags": 0 if lags is None else int(max(lags))})
    json.dump({
        "source": "statsmodels %s AutoReg(trend='c') on data/embedded/sunspots.csv, column SUNACTIVITY; "
                  "scripts/ar_reference.py" % statsmodels.__version__,
        "horizon": HORIZON,
        "alpha": 0.05,
        "maxlag": MAXLAG,
        "fits": fits,
        "common_sample": common,
        "selected": select,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
