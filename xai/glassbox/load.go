package glassbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"genxai/config"
)

// Loaded is a glass-box run read back from its directory: the fitted model
// (LogReg or EBM, the other nil) and its data as the run read them, rows in
// table coding (level indices for categorical columns).
type Loaded struct {
	// Model is "logreg" or "ebm".
	Model  string
	LogReg *LogReg
	EBM    *EBM
	// Features names the table columns the model uses; Levels names the
	// levels of the categorical ones (nil entries for numeric columns; nil
	// when all are numeric).
	Features []string
	Levels   [][]string
	// Classes names the classes (nil for an EBM regression).
	Classes []string
	// XTrain/YTrain and XTest/YTest are the rows (XTest nil without a test
	// set), NTrain and NTest their counts.
	XTrain, YTrain, XTest, YTest []float64
	NTrain, NTest                int
}

// ReadSummaryModel returns the "model" field of a run directory's
// summary.json ("" when there is none).
func ReadSummaryModel(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return "", err
	}
	var s struct {
		Model string `json:"model"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, "summary.json"), err)
	}
	return s.Model, nil
}

// LoadRun reads a `glassbox logreg` or `glassbox ebm` run directory:
// summary.json names the model, model.json holds it, config.yaml says which
// data it was fitted on (read again, so the files must still be there).
func LoadRun(dir string) (*Loaded, error) {
	kind, err := ReadSummaryModel(dir)
	if err != nil {
		return nil, fmt.Errorf("glassbox run %s: %w", dir, err)
	}
	schema := map[string]config.Schema{"logreg": config.LogRegSchema(), "ebm": config.EBMSchema()}[kind]
	if schema.Name == "" {
		return nil, fmt.Errorf("glassbox run %s: summary.json names model %q; a glassbox logreg or ebm run is needed", dir, kind)
	}
	c, err := config.Load(filepath.Join(dir, "config.yaml"), schema, nil)
	if err != nil {
		return nil, err
	}
	l := &Loaded{Model: kind}
	b, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		return nil, fmt.Errorf("glassbox run %s: %w (logreg runs written before model.json existed must be fitted again)", dir, err)
	}
	classify := true
	if kind == "logreg" {
		l.LogReg = &LogReg{}
		err = json.Unmarshal(b, l.LogReg)
	} else {
		l.EBM = &EBM{}
		err = json.Unmarshal(b, l.EBM)
		classify = err == nil && !l.EBM.Regression
	}
	if err != nil {
		return nil, fmt.Errorf("glassbox run %s: model.json: %w", dir, err)
	}
	ds, err := loadData(c, classify, kind == "ebm")
	if err != nil {
		return nil, fmt.Errorf("glassbox run %s: reading its data again: %w", dir, err)
	}
	l.Features, l.Levels, l.Classes = ds.features, ds.levels, ds.classes
	l.XTrain, l.YTrain, l.NTrain = ds.xtr, ds.ytr, ds.ntr
	l.XTest, l.YTest, l.NTest = ds.xte, ds.yte, ds.nte
	return l, nil
}

// Output returns the model's scalar output for one table row and its name:
// P(second class) for a binary logistic regression (the last class for a
// multinomial one), the logit of an EBM classifier, the prediction of an
// EBM regression. threshold is where a classifier's output decides for the
// second class.
func (l *Loaded) Output() (f func(row []float64) float64, name string, threshold float64) {
	if l.LogReg != nil {
		m := l.LogReg
		k := len(m.Classes) - 1
		return func(row []float64) float64 {
			x := row
			if m.Encoding != nil {
				x = m.Encoding.Encode(make([]float64, 0, len(m.Features)), row)
			}
			return m.Probabilities(x)[k]
		}, fmt.Sprintf("P(%s)", m.Classes[k]), 0.5
	}
	if l.EBM.Regression {
		return l.EBM.Logit, "prediction", 0
	}
	return l.EBM.Logit, fmt.Sprintf("logit of P(%s)", l.EBM.Classes[1]), 0
}
