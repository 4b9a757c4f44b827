package config

// ARSchema is the config schema of `genxai ar`, an autoregressive model
// AR(p) fitted by conditional least squares (package xai/timeseries).
func ARSchema() Schema {
	return Schema{Name: "ar", Keys: []Key{
		StringKey("data", "", "time-series CSV file (header row; a time column and numeric value columns) or builtin:sunspots").Require(),
		StringKey("column", "", "value column to model (empty: the file's only value column)"),
		StringKey("time", "", "time column, numeric and increasing in equal steps (empty: the rows are consecutive steps; builtin:sunspots uses YEAR)"),
		StringKey("fill", "none", "gaps in the time column and missing values: refuse them (none), carry the last value forward (previous) or interpolate (linear)").OneOf("none", "previous", "linear"),
		StringKey("lags", "auto", "order p of the model, a whole number ≥ 0, or auto to choose it by the criterion ic over 0..max_lag"),
		IntKey("max_lag", 20, "largest order lags: auto considers, all fitted on the same observations").AtLeast(1),
		StringKey("ic", "aic", "criterion lags: auto minimises").OneOf("aic", "bic"),
		IntKey("horizon", 10, "steps to forecast beyond the end of the series").AtLeast(1),
		FloatKey("alpha", 0.05, "prediction intervals cover 1 − alpha").GreaterThan(0).LessThan(1),
		outKey("ar"),
		forceKey(),
	}}
}
