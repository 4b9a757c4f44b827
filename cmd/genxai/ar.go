package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/timeseries"
)

func init() {
	cmd := &cobra.Command{
		Use:   "ar --data CSV|builtin:sunspots [--column NAME] [--time COL] [--fill none|previous|linear] --lags P|auto [--ic aic|bic] [--horizon H] --out DIR",
		Short: "Fit an autoregressive model AR(p) to a time series and forecast it",
		Long: `ar fits y_t = c + φ_1 y_{t−1} + … + φ_p y_{t−p} + ε_t to one column of a
time-series CSV by conditional least squares, as statsmodels' AutoReg does
(docs/timeseries.md). --lags auto chooses p over 0..max_lag by AIC (--ic bic
for BIC), every order fitted on the same observations. Gaps in the time
column and missing values are refused unless --fill says how to fill them.
The run directory receives summary.json (coefficients with standard errors,
sigma2, aic, bic, lags, nobs), forecasts.csv and forecast.png (forecasts
with prediction intervals), lag_contributions.csv and lag_importance.png
(φ_l·y_{t−l}: what each lag contributed to each forecast) and config.yaml.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--max-lag
sets max_lag; docs/config.md).`,
	}
	schema := config.ARSchema()
	rootCmd.AddCommand(configure(cmd, schema, allFlags(schema), interruptible(cmd, timeseries.RunFromConfig, false)))
}
