package models

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"strconv"

	"genxai/config"
	"genxai/data"
	"genxai/engine"
	"genxai/nets"
	"genxai/runs"
	"genxai/train"
	"genxai/viz"
)

// A neural autoregressive forecaster of a real time series: a multilayer
// perceptron (model.arch mlp) or a temporal convolutional network of dilated
// causal convolutions (tcn) over the last model.window values that predicts
// the next one,
// trained by mean squared error on the standardized series. The family's
// config keys, its chronological split, its training task and its restored
// model. The graph is nets.Forecaster; the data source data.ReadSeries.

func init() {
	register(&Family{Kind: "forecaster", Keys: forecasterKeys(), Check: forecasterCheck, NewTask: builder(NewForecasterTask)})
}

// forecasterKeys are the model.* and data.* keys of kind "forecaster".
func forecasterKeys() []config.Key {
	return []config.Key{
		config.StringKey("model.arch", "mlp", "mlp (dense layers over the window) or tcn (residual blocks of dilated causal convolutions over the window, Bai, Kolter and Koltun 2018; the last position's features feed the output)").OneOf("mlp", "tcn"),
		config.IntKey("model.window", 16, "past values each forecast reads (the p of NAR(p)); windows never cross the train/validation/test boundaries").Range(1, 4096),
		config.IntListKey("model.hidden", []int{32}, "mlp: widths of the hidden dense layers").Range(1, 65536).Len(1, 0),
		config.IntKey("model.channels", 16, "tcn: channels of every causal convolution").Range(1, 65536),
		config.IntKey("model.kernel", 2, "tcn: taps of every causal convolution").Range(1, 64),
		config.IntListKey("model.dilations", []int{1, 2, 4, 8}, "tcn: dilation of each residual block (two causal convolutions each); the receptive field is 1 + 2·(kernel−1)·Σ dilations positions, lags beyond it reach the forecast only through model.linear").Range(1, 4096).Len(1, 24),
		config.StringKey("model.activation", "tanh", "activation of the hidden layers (tcn: of each convolution and each residual sum)").OneOf(nets.Activations...),
		config.FloatKey("model.dropout", 0, "dropout probability after each hidden layer (tcn: after each convolution); 0 = off").AtLeast(0).LessThan(1),
		config.BoolKey("model.linear", true, "add a linear term over the window to the output: an AR(p) part plus a learned nonlinear correction"),
		config.StringKey("data.time", "", `time column of the series CSV ("" = the rows are steps; builtin:sunspots: YEAR)`),
		config.StringKey("data.column", "", "value column to forecast (\"\" = the only value column)"),
		config.StringKey("data.fill", data.FillNone, "gaps and missing values: none refuses them (naming file, line and column), previous carries the last value forward, linear interpolates").OneOf(data.FillNone, data.FillPrevious, data.FillLinear),
		config.FloatKey("data.val_fraction", 0.15, "share of the series, after the training part, scored after every epoch (val_*)").Range(0, 0.5),
		config.FloatKey("data.test_fraction", 0.2, "share at the end of the series held out as the test segment (test_*)").GreaterThan(0).AtMost(0.5),
	}
}

func forecasterCheck(c *config.Config) []error {
	if v, t := c.Float("data.val_fraction"), c.Float("data.test_fraction"); v+t > 0.8 {
		return []error{c.Errorf("data.test_fraction", "with data.val_fraction %g leaves %g of the series for training; keep their sum at most 0.8", v, 1-v-t)}
	}
	return nil
}

// The Store buffers holding the training segment's mean and standard
// deviation, so a restored run standardizes as its training did.
const (
	SeriesMeanTensor = "series.mean"
	SeriesStdTensor  = "series.std"
)

// forecastEvalBatch is the number of windows per run of the evaluation graph.
const forecastEvalBatch = 64

// SeriesSplit is a series cut chronologically into a training, a validation
// and a test segment (no shuffling across them), standardized by the
// training segment's mean and standard deviation.
type SeriesSplit struct {
	Series *data.Series
	Column string
	Y      []float64 // the values, original scale
	// Bounds: the training segment is Y[:ValStart], validation
	// Y[ValStart:TestStart] and test Y[TestStart:].
	ValStart, TestStart int
	Mean, Std           float64 // of the training segment
	Window              int
}

// Segment returns the bounds [from, to) of the segment called train, val or test.
func (s *SeriesSplit) Segment(name string) (from, to int) {
	switch name {
	case "train":
		return 0, s.ValStart
	case "val":
		return s.ValStart, s.TestStart
	}
	return s.TestStart, len(s.Y)
}

// Targets returns the times t of a segment that a window of Window earlier
// values of the same segment forecasts: from+Window … to−1.
func (s *SeriesSplit) Targets(segment string) []int {
	from, to := s.Segment(segment)
	var ts []int
	for t := from + s.Window; t < to; t++ {
		ts = append(ts, t)
	}
	return ts
}

// Standardize maps a value to the model's scale: (v − Mean)/Std.
func (s *SeriesSplit) Standardize(v float64) float64 { return (v - s.Mean) / s.Std }

// Original maps a model-scale value back: Mean + Std·v.
func (s *SeriesSplit) Original(v float64) float64 { return s.Mean + s.Std*v }

// WindowAt writes the standardized values y[t−Window] … y[t−1] of the
// series y (Y, or a copy with some values changed) into dst: dst[Window−k]
// is lag k. Nothing at or after t is read.
func (s *SeriesSplit) WindowAt(y []float64, t int, dst []float32) {
	for k := 1; k <= s.Window; k++ {
		dst[s.Window-k] = float32(s.Standardize(y[t-k]))
	}
}

// NewSeriesSplit reads the series of a forecaster config (data.path, time,
// column and fill) and splits it by data.val_fraction and data.test_fraction;
// each segment must hold more than model.window values.
func NewSeriesSplit(c *config.Config) (*SeriesSplit, error) {
	spec := c.String("data.path")
	s, err := data.ReadOneSeries(spec, c.String("data.time"), c.String("data.column"), c.String("data.fill"), "choose one with data.column")
	if err != nil {
		return nil, fmt.Errorf("data.path: %w", err)
	}
	n, w := s.Len(), c.Int("model.window")
	sp := &SeriesSplit{Series: s, Column: s.Columns[0], Y: s.Values[0], Window: w}
	sp.TestStart = n - int(math.Round(c.Float("data.test_fraction")*float64(n)))
	sp.ValStart = sp.TestStart - int(math.Round(c.Float("data.val_fraction")*float64(n)))
	for _, seg := range []string{"train", "val", "test"} {
		from, to := sp.Segment(seg)
		if seg == "val" && from == to {
			continue // no validation segment
		}
		if to-from <= w {
			return nil, fmt.Errorf("%s: the %s segment has %d values (of %d), not more than model.window = %d: use a smaller window or change data.val_fraction and data.test_fraction", spec, seg, to-from, n, w)
		}
	}
	var sum, ss float64
	for _, v := range sp.Y[:sp.ValStart] {
		sum += v
	}
	sp.Mean = sum / float64(sp.ValStart)
	for _, v := range sp.Y[:sp.ValStart] {
		ss += (v - sp.Mean) * (v - sp.Mean)
	}
	sp.Std = math.Sqrt(ss / float64(sp.ValStart))
	// Rounded as the checkpoint keeps them, so a restored run standardizes
	// exactly as training did.
	sp.Mean, sp.Std = float64(float32(sp.Mean)), float64(float32(sp.Std))
	if !(sp.Std > 0) {
		return nil, fmt.Errorf("%s: the training segment (the first %d values) is constant; there is nothing to forecast", spec, sp.ValStart)
	}
	return sp, nil
}

// ForecasterConfigFrom reads a nets.ForecasterConfig from a training config.
func ForecasterConfigFrom(c *config.Config) nets.ForecasterConfig {
	return nets.ForecasterConfig{
		Arch: c.String("model.arch"), Window: c.Int("model.window"), Hidden: c.Ints("model.hidden"),
		Channels: c.Int("model.channels"), Kernel: c.Int("model.kernel"), Dilations: c.Ints("model.dilations"),
		Activation: c.String("model.activation"),
		Dropout:    c.Float("model.dropout"), Linear: c.Bool("model.linear"),
	}
}

// ForecasterTask trains a nets.Forecaster on the windows of the training
// segment and scores one-step forecasts on the validation and test segments.
type ForecasterTask struct {
	netTask
	split       *SeriesSplit
	model, eval *nets.Forecaster
	evalEx      engine.Executor
	targets     []int                // the training targets; batch index i is targets[i]
	last        map[string][]float64 // the last evaluation's forecasts per segment (original scale)
}

// NewForecasterTask reads and splits the series and builds the graphs.
func NewForecasterTask(c *config.Config, opt train.OptimConfig, executor string) (*ForecasterTask, error) {
	split, err := NewSeriesSplit(c)
	if err != nil {
		return nil, err
	}
	t := &ForecasterTask{split: split, targets: split.Targets("train")}
	t.kind, t.executor, t.device = "forecaster", executor, c.String("device")
	cfg := ForecasterConfigFrom(c)
	t.store = nets.NewStore(int64(c.Int("seed")))
	if err := storeScale(t.store, split.Mean, split.Std); err != nil {
		return nil, err
	}
	if t.model, err = nets.NewForecaster(t.store, cfg, c.Int("train.batch_size"), true); err != nil {
		return nil, err
	}
	if t.eval, err = nets.NewForecaster(t.store, cfg, forecastEvalBatch, false); err != nil {
		return nil, err
	}
	exs, err := t.prepare(t.model.Net, t.model.Loss, opt, nil, t.eval.Net)
	if err != nil {
		return nil, err
	}
	t.evalEx = exs[0]
	return t, nil
}

// storeScale puts the standardization into the Store as two buffers.
func storeScale(st *nets.Store, mean, std float64) error {
	for i, name := range []string{SeriesMeanTensor, SeriesStdTensor} {
		v := []float64{mean, std}[i]
		if _, err := st.Get(name, []int{1}, 1, 1, func(_ *rand.Rand, _, _ int, d []float32) { d[0] = float32(v) }, false); err != nil {
			return err
		}
	}
	return nil
}

// TrainSize is the number of training windows.
func (t *ForecasterTask) TrainSize() int { return len(t.targets) }

// Split returns the task's series split.
func (t *ForecasterTask) Split() *SeriesSplit { return t.split }

// fillForecastBatch writes the windows before the times ts of y (and, with
// target, their values) into the graph's inputs; rows beyond len(ts) are
// zero with weight 0.
func fillForecastBatch(m *nets.Forecaster, sp *SeriesSplit, y []float64, ts []int) {
	x, tgt, w := m.Net.InputData("x"), m.Net.InputData("target"), m.Net.InputData("row_weight")
	clear(x)
	clear(tgt)
	clear(w)
	p := sp.Window
	for i, t := range ts {
		sp.WindowAt(y, t, x[i*p:(i+1)*p])
		tgt[i] = float32(sp.Standardize(y[t]))
		w[i] = 1 / float32(len(ts))
	}
}

// Step trains on one batch of training windows.
func (t *ForecasterTask) Step(in train.StepInput) (train.StepResult, error) {
	ts := make([]int, len(in.Batch))
	for i, j := range in.Batch {
		ts[i] = t.targets[j]
	}
	fillForecastBatch(t.model, t.split, t.split.Y, ts)
	return t.step(in)
}

// Forecast returns the one-step forecasts (original scale) of the series y
// at the times ts with an evaluation graph m and its executor.
func Forecast(ctx context.Context, m *nets.Forecaster, ex engine.Executor, sp *SeriesSplit, y []float64, ts []int) ([]float64, error) {
	out := make([]float64, 0, len(ts))
	for b := 0; b < len(ts); b += m.Batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk := ts[b:min(b+m.Batch, len(ts))]
		fillForecastBatch(m, sp, y, chunk)
		if err := ex.Run(); err != nil {
			return nil, err
		}
		pred := engine.Float32s(m.Pred)
		for i := range chunk {
			out = append(out, sp.Original(float64(pred[i])))
		}
	}
	return out, nil
}

// ForecastErrors returns the root mean squared and the mean absolute error
// of forecasts of y at the times ts.
func ForecastErrors(y []float64, ts []int, forecasts []float64) (rmse, mae float64) {
	for i, t := range ts {
		e := forecasts[i] - y[t]
		rmse += e * e
		mae += math.Abs(e)
	}
	n := float64(len(ts))
	return math.Sqrt(rmse / n), mae / n
}

// Evaluate scores one-step forecasts on the original scale: test_rmse and
// test_mae on the test segment, val_rmse and val_mae on the validation
// segment (when there is one), and persistence_test_rmse, the naive
// forecast ŷ_t = y_{t−1} on the same test times.
func (t *ForecasterTask) Evaluate(ctx context.Context) (map[string]float64, error) {
	res := map[string]float64{}
	t.last = map[string][]float64{}
	for _, seg := range []string{"test", "val"} {
		ts := t.split.Targets(seg)
		if len(ts) == 0 {
			continue
		}
		f, err := Forecast(ctx, t.eval, t.evalEx, t.split, t.split.Y, ts)
		if err != nil {
			return nil, err
		}
		t.last[seg] = f
		res[seg+"_rmse"], res[seg+"_mae"] = ForecastErrors(t.split.Y, ts, f)
	}
	ts := t.split.Targets("test")
	naive := make([]float64, len(ts))
	for i, s := range ts {
		naive[i] = t.split.Y[s-1]
	}
	res["persistence_test_rmse"], _ = ForecastErrors(t.split.Y, ts, naive)
	return res, nil
}

// Artifacts writes forecasts.csv (time, segment, observed value and
// one-step forecast of every validation and test time), forecast.png (the
// test segment observed and forecast) and the loss curve.
func (t *ForecasterTask) Artifacts(dir *runs.Dir, epoch int) error {
	sp := t.split
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	var rows [][]string
	for _, seg := range []string{"val", "test"} {
		for i, s := range sp.Targets(seg) {
			rows = append(rows, []string{g(sp.Series.Time[s]), seg, g(sp.Y[s]), g(t.last[seg][i])})
		}
	}
	if err := runs.WriteCSV(dir.File("forecasts.csv"), []string{"time", "segment", "observed", "forecast"}, rows); err != nil {
		return err
	}
	ts := sp.Targets("test")
	times, obs := make([]float64, len(ts)), make([]float64, len(ts))
	for i, s := range ts {
		times[i], obs[i] = sp.Series.Time[s], sp.Y[s]
	}
	xlabel := sp.Series.TimeName
	if xlabel == "" {
		xlabel = "step"
	}
	title := fmt.Sprintf("One-step forecasts of %s on the test segment, epoch %d", sp.Column, epoch)
	if err := viz.LinePlot(dir.File("forecast.png"), title, xlabel, sp.Column, []viz.Series{
		{Name: "observed", X: times, Y: obs}, {Name: "forecast", X: times, Y: t.last["test"]},
	}); err != nil {
		return err
	}
	return train.PlotLoss(dir, "test_rmse", "squared error (standardized); test RMSE (original scale)")
}

// Forecaster rebuilds the evaluation graph of a forecaster run (batch rows)
// with its trained weights, and its series split with the training
// standardization the checkpoint holds.
func (r *Run) Forecaster(batch int) (*nets.Forecaster, *SeriesSplit, error) {
	if err := r.Expect("this use", "forecaster"); err != nil {
		return nil, nil, err
	}
	sp, err := NewSeriesSplit(r.Config)
	if err != nil {
		return nil, nil, fmt.Errorf("loading the series of run %s: %w", r.Dir, err)
	}
	m, err := restore(r, func(s *nets.Store) (*nets.Forecaster, error) {
		if err := storeScale(s, sp.Mean, sp.Std); err != nil {
			return nil, err
		}
		return nets.NewForecaster(s, ForecasterConfigFrom(r.Config), batch, false)
	})
	if err != nil {
		return nil, nil, err
	}
	// The checkpoint's standardization is the one the model learned with.
	sp.Mean = float64(m.Net.Store.Data(SeriesMeanTensor)[0])
	sp.Std = float64(m.Net.Store.Data(SeriesStdTensor)[0])
	return m, sp, nil
}
