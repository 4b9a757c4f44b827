package generate

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"genxai/config"
	"genxai/data"
	"genxai/internal/cmdtest"
	"genxai/internal/tabletest"
	"genxai/xai/gmm"
)

// tableModel fits genxai gmm with the extra YAML to tabletest.ClassTable's
// 300 rows and returns the model.json path.
func tableModel(t *testing.T, yaml string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "gmm")
	cmdtest.Run(t, config.GMMSchema(), yaml, []string{"train=" + tabletest.ClassTable(t, 300), "out=" + out}, gmm.RunFromConfig)
	return filepath.Join(out, "model.json")
}

// exportRows runs a table export with o and returns the CSV's bytes and
// what was printed.
func exportRows(t *testing.T, o Options) ([]byte, string) {
	t.Helper()
	o.Out = filepath.Join(t.TempDir(), "out")
	var out bytes.Buffer
	if _, err := Export(context.Background(), o, map[string]any{"model": o.Model}, &out, io.Discard); err != nil {
		t.Fatalf("Export(%+v): %v", o, err)
	}
	b, err := os.ReadFile(filepath.Join(o.Out, tableRows))
	if err != nil {
		t.Fatal(err)
	}
	return b, out.String()
}

// readRows reads an export back through the table reader of genxai svm and
// gmm with the class column kind as the label.
func readRows(t *testing.T, b []byte) *data.Table {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tab, _, err := data.ReadTablePair(path, "", data.ReadOptions{Label: "kind"})
	if err != nil {
		t.Fatalf("the export does not load: %v", err)
	}
	return tab
}

// TestTableExportRoundTrip: --per-class 40 writes exactly 40 rows of each
// class with the training columns and levels; --clip keeps u in its
// training range, which unclipped draws leave; the same seed gives the same
// bytes and another seed others; the quality table is printed.
func TestTableExportRoundTrip(t *testing.T) {
	model := tableModel(t, "per_class: kind\n")
	tm, err := gmm.LoadTableModel(model)
	if err != nil {
		t.Fatal(err)
	}
	b, printed := exportRows(t, Options{Model: model, PerClass: 40, Class: -1, Seed: 1, Clip: true})
	tab := readRows(t, b)
	if !slices.Equal(tab.Features, []string{"x", "u", "city"}) || tab.Rows != 80 {
		t.Fatalf("columns %v, %d rows; want x, u, city and 80 rows", tab.Features, tab.Rows)
	}
	if !slices.Equal(tab.LabelNames, []string{"b", "a"}) || !tab.IsCategorical(2) || len(tab.Levels[2]) < 2 ||
		!slices.ContainsFunc(tab.Levels[2], func(l string) bool { return l == "London" || l == "Paris" }) ||
		slices.ContainsFunc(tab.Levels[2], func(l string) bool { return !slices.Contains(tm.Columns[2].Levels, l) }) {
		t.Errorf("classes %v, city levels %v; want b, a and training levels %v", tab.LabelNames, tab.Levels, tm.Columns[2].Levels)
	}
	counts := map[float64]int{}
	for i, y := range tab.Y {
		counts[y]++
		if u := tab.X[i*3+1]; u < tm.Columns[1].Min || u > tm.Columns[1].Max {
			t.Errorf("row %d: u = %v outside the training range [%v, %v] with --clip", i, u, tm.Columns[1].Min, tm.Columns[1].Max)
		}
	}
	if counts[0] != 40 || counts[1] != 40 {
		t.Errorf("per-class counts %v, want 40 each", counts)
	}
	for _, want := range []string{"real mean", "synthetic sd", "city = Paris (share)", "class share (kind)"} {
		if !strings.Contains(printed, want) {
			t.Errorf("quality table lacks %q:\n%s", want, printed)
		}
	}
	again, _ := exportRows(t, Options{Model: model, PerClass: 40, Class: -1, Seed: 1, Clip: true})
	other, _ := exportRows(t, Options{Model: model, PerClass: 40, Class: -1, Seed: 2, Clip: true})
	if !bytes.Equal(b, again) || bytes.Equal(b, other) {
		t.Errorf("seed 1 twice equal: %v, seeds 1 and 2 equal: %v", bytes.Equal(b, again), bytes.Equal(b, other))
	}
	// Unclipped, a Gaussian over a uniform column leaves its range.
	tab = readRows(t, must(exportRows(t, Options{Model: model, N: 2000, Class: -1, Seed: 1})))
	out := 0
	for i := range tab.Rows {
		if u := tab.X[i*3+1]; u < tm.Columns[1].Min || u > tm.Columns[1].Max {
			out++
		}
	}
	if out == 0 {
		t.Error("no unclipped row left u's training range; the clip test above proves nothing")
	}
	tab = readRows(t, must(exportRows(t, Options{Model: model, N: 30, Class: 1, Seed: 1})))
	if tab.Rows != 30 || !slices.Equal(tab.LabelNames, []string{"a"}) {
		t.Errorf("--class 1: %d rows of classes %v, want 30 of a", tab.Rows, tab.LabelNames)
	}
}

// must drops the second result.
func must[T, U any](a T, _ U) T { return a }

// TestTableExportErrors: an unknown class, a single-mixture model file, an
// image format and a judge are refused with what to do.
func TestTableExportErrors(t *testing.T) {
	perClass := tableModel(t, "per_class: kind\n")
	single := tableModel(t, "label: kind\n")
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Model: perClass, N: 5, Class: 2}, "--class 2 is not a class"},
		{Options{Model: perClass, N: 5, Class: 0, PerClass: 3}, "exclude each other"},
		{Options{Model: perClass, N: 5, Class: -1, PerClass: 3}, "disagree"},
		{Options{Model: perClass, Class: -1}, "nothing to generate"},
		{Options{Model: single, N: 5, Class: -1}, "without --per-class"},
		{Options{Model: perClass, N: 5, Class: -1, Format: "idx"}, "as CSV"},
		{Options{Model: perClass, N: 5, Class: -1, Judge: "runs/x"}, "--judge scores images"},
		{Options{Model: filepath.Join(t.TempDir(), "none.json"), N: 5, Class: -1}, "gmm --per-class COL"},
	} {
		tc.o.Out = filepath.Join(t.TempDir(), "out")
		_, err := Export(context.Background(), tc.o, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.o, err, tc.want)
		}
	}
}
