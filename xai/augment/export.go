package augment

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"genxai/runs"
)

// ExportFile and ExportNote are the files Export writes.
const (
	ExportFile = "augmented.csv"
	ExportNote = "export.json"
)

// Best returns the augmented setting (ratio > 0) with the largest mean
// paired accuracy difference to its no-augmentation baseline over the
// seeds (Cell.Delta), the smaller ratio and then the smaller subset on a
// tie; ok is false when the study had no ratio above 0. The difference,
// not the accuracy, decides, because accuracy grows with the real subset
// whatever the generator does.
func (r *Results) Best() (best Cell, ok bool) {
	for _, c := range r.Cells {
		if c.Ratio == 0 {
			continue
		}
		if !ok || c.Delta > best.Delta {
			best, ok = c, true
		}
	}
	return best, ok
}

// Export writes the training set of res's best setting (Best) into the run
// directory dir: augmented.csv with a column synthetic (0 for a real row, 1
// for a generated one), the label column (class names) and the feature
// columns under their names (raw features in the data's own units, PCA
// components or classifier embeddings in the space the SVM saw); and
// export.json saying which setting, why it was best and how the rows were
// made. The set is that of the setting's first repetition (seed
// Settings.Seed), rebuilt exactly: runOne draws it again from the same
// seeds and stops before fitting the SVM. It returns export.json's content.
func (st *Study) Export(res *Results, dir *runs.Dir) (map[string]any, error) {
	best, ok := res.Best()
	if !ok {
		return nil, fmt.Errorf("augment --export: the study has no ratio above 0, so there is no augmented setting to export; add ratios such as [0, 1, 2]")
	}
	s := st.Settings
	var X []float64
	var y []int
	var nReal, d int
	units := "the SVM's feature space: " + s.FeatureKind + " features"
	st.capture = func(n int, ratio float64, x []float64, yy []int, nr, dd int, fm *featureMap) bool {
		if n != best.N || ratio != best.Ratio {
			return false
		}
		X, y, nReal, d = slices.Clone(x), yy, nr, dd
		switch {
		case s.FeatureKind == "raw" && fm.scaler != nil:
			fm.scaler.Invert(X)
			units = "the data's own units (the z-scoring of features.standardize undone)"
		case s.FeatureKind == "raw":
			units = "the data's own units"
		case fm.scaler != nil:
			units += ", z-scored with the real subset's statistics (features.standardize)"
		}
		return true
	}
	defer func() { st.capture = nil }()
	if _, err := st.runOne(best.N, 0, s.Seed, func(string, int) {}, nil); err != nil {
		return nil, fmt.Errorf("augment --export: rebuilding n_per_class %d, ratio %g: %w", best.N, best.Ratio, err)
	}
	if X == nil {
		return nil, fmt.Errorf("augment --export: n_per_class %d, ratio %g was not rebuilt", best.N, best.Ratio)
	}
	names := st.featureNames(d)
	label := st.Data.Label
	if label == "" {
		label = "label"
	}
	err := runs.WriteFileAtomic(dir.File(ExportFile), func(w io.Writer) error {
		return writeAugmented(w, label, names, st.Data.ClassNames, X, y, nReal, d)
	})
	if err != nil {
		return nil, err
	}
	note := map[string]any{
		"file":                ExportFile,
		"columns":             "synthetic (0 real, 1 generated), " + label + " (the class), then the features",
		"label_column":        label,
		"classes":             st.Data.ClassNames,
		"n_per_class":         best.N,
		"ratio":               best.Ratio,
		"synthetic_per_class": best.Synthetic,
		"real_rows":           nReal,
		"synthetic_rows":      len(y) - nReal,
		"repetition":          0,
		"seed":                s.Seed,
		"generator":           res.generatorName(),
		"features":            s.FeatureKind,
		"units":               units,
		"data_source":         st.Data.Name,
		"why": fmt.Sprintf("of the %d augmented settings, this one raised the SVM's test accuracy most over the no-augmentation baseline with the same real rows: mean paired difference %+.4f ± %.4f over %d seeds (p = %.3g, verdict %q; mean accuracy %.4f)",
			countAugmented(res), best.Delta, best.DeltaSD, len(best.Accs), best.P, best.Verdict, best.Mean),
		"note": "the synthetic column marks the rows; leave it out when training on the set (genxai svm --ignore synthetic), and give a test set the same feature columns",
	}
	if err := dir.WriteJSON(ExportNote, note); err != nil {
		return nil, err
	}
	return note, nil
}

// featureNames names the d columns of the SVM's feature space: the data's
// own columns (raw), pc1… (PCA) or emb1… (a classifier's embedding).
func (st *Study) featureNames(d int) []string {
	switch st.Settings.FeatureKind {
	case "pca":
		return indexedNames("pc", 1, d)
	case "classifier":
		return indexedNames("emb", 1, d)
	}
	return st.Data.Features
}

// countAugmented counts the cells with a ratio above 0.
func countAugmented(res *Results) int {
	n := 0
	for _, c := range res.Cells {
		if c.Ratio > 0 {
			n++
		}
	}
	return n
}

// writeAugmented writes the header and the rows of augmented.csv: the first
// nReal rows of X (n×d) are real, the rest synthetic.
func writeAugmented(w io.Writer, label string, names, classes []string, X []float64, y []int, nReal, d int) error {
	cw := csv.NewWriter(w)
	rec := append([]string{"synthetic", label}, names...)
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i, c := range y {
		rec = append(rec[:0], "0", classes[c])
		if i >= nReal {
			rec[0] = "1"
		}
		for _, v := range X[i*d : (i+1)*d] {
			rec = append(rec, strconv.FormatFloat(v, 'g', 8, 64))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
