package svm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"genxai/config"
	"genxai/data"
)

// modelFile is the JSON form of a Model (model.json in a run directory):
// what prediction needs, in libsvm's layout, with the table encoding that
// turns CSV rows into the model's columns.
type modelFile struct {
	Kernel   kernelKind     `json:"kernel"`
	Gamma    float64        `json:"gamma"`
	Coef0    float64        `json:"coef0"`
	Degree   int            `json:"degree"`
	Classes  []int          `json:"classes"`
	NSV      []int          `json:"n_support_per_class"`
	SV       [][]float64    `json:"support_vectors"`
	Coef     [][]float64    `json:"dual_coef"`
	Rho      []float64      `json:"rho"`
	ProbA    []float64      `json:"prob_a,omitempty"`
	ProbB    []float64      `json:"prob_b,omitempty"`
	Mean     []float64      `json:"mean,omitempty"`
	Scale    []float64      `json:"scale,omitempty"`
	D        int            `json:"features"`
	Encoding *data.Encoding `json:"encoding,omitempty"`
	Names    []string       `json:"class_names,omitempty"`
}

// Saved is a model read back from a run directory, with the encoding of
// its table and the text names of its classes (nil for numeric labels).
type Saved struct {
	*Model
	Encoding   *data.Encoding
	ClassNames []string
}

// file returns the JSON form of m.
func (m *Model) file(enc *data.Encoding, names []string) modelFile {
	return modelFile{Kernel: m.kernel.kind, Gamma: m.kernel.gamma, Coef0: m.kernel.coef0, Degree: m.kernel.degree,
		Classes: m.classes, NSV: m.nSV, SV: m.sv, Coef: m.coef, Rho: m.rho, ProbA: m.probA, ProbB: m.probB,
		Mean: m.mean, Scale: m.scale, D: m.d, Encoding: enc, Names: names}
}

// Load reads the model.json of an svm run directory.
func Load(dir string) (*Saved, error) {
	path := filepath.Join(dir, "model.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("svm: %w (runs written before model.json existed must be trained again)", err)
	}
	var f modelFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("svm: %s: %w", path, err)
	}
	k := len(f.Classes)
	if k < 2 || len(f.NSV) != k || len(f.Coef) != k-1 || len(f.Rho) != k*(k-1)/2 || f.D <= 0 {
		return nil, fmt.Errorf("svm: %s: inconsistent model (%d classes, %d per-class counts, %d coefficient rows, %d rho, %d features)", path, k, len(f.NSV), len(f.Coef), len(f.Rho), f.D)
	}
	m := &Model{kernel: kernelFunc{kind: f.Kernel, gamma: f.Gamma, coef0: f.Coef0, degree: f.Degree},
		classes: f.Classes, nSV: f.NSV, coef: f.Coef, rho: f.Rho, probA: f.ProbA, probB: f.ProbB,
		mean: f.Mean, scale: f.Scale, d: f.D, workers: 1}
	m.svStart = make([]int, k)
	for c := 1; c < k; c++ {
		m.svStart[c] = m.svStart[c-1] + f.NSV[c-1]
	}
	m.svFlat = make([]float64, 0, len(f.SV)*f.D)
	for i, v := range f.SV {
		if len(v) != f.D || len(f.Coef[0]) != len(f.SV) {
			return nil, fmt.Errorf("svm: %s: support vector %d has %d values for %d features", path, i, len(v), f.D)
		}
		m.svFlat = append(m.svFlat, v...)
	}
	m.sv = make([][]float64, len(f.SV))
	m.svSq = make([]float64, len(f.SV))
	for i := range m.sv {
		m.sv[i] = m.svFlat[i*f.D : (i+1)*f.D : (i+1)*f.D]
		m.svSq[i] = dot(m.sv[i], m.sv[i])
	}
	return &Saved{Model: m, Encoding: f.Encoding, ClassNames: f.Names}, nil
}

// LoadRun reads an svm run directory: the model (model.json) and its
// training and test tables read again as config.yaml names them, rows in
// table coding (level indices for categorical columns), with their class
// labels in the model's terms.
func LoadRun(dir string) (s *Saved, train, test *data.Table, ytr, yte []int, err error) {
	if s, err = Load(dir); err != nil {
		return nil, nil, nil, nil, nil, err
	}
	c, err := config.Load(filepath.Join(dir, "config.yaml"), config.SVMSchema(), nil)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	tr, err := config.TableOptions(c)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	train, test, err = data.ReadTablePair(c.String("train"), c.String("test"), data.ReadOptions{Label: c.String(config.LabelKey), Categorical: tr.Categorical, Reference: tr.Reference, Ignore: tr.Ignore})
	if err != nil {
		return nil, nil, nil, nil, nil, fmt.Errorf("svm run %s: reading its data again: %w", dir, err)
	}
	ytr, yte, _, err = ClassLabels(train, test)
	return s, train, test, ytr, yte, err
}

// Decision returns the binary model's decision value for one table row
// (positive: the first class). It panics on a multiclass model.
func (s *Saved) Decision(row []float64) float64 {
	x := row
	if s.Encoding != nil {
		x = s.Encoding.Encode(make([]float64, 0, s.d), row)
	}
	return s.DecisionFunction(x, 1)[0][0]
}
