package svm

import (
	"strings"
	"testing"

	"genxai/data"
)

// TestBadCSV checks that the inputs a user gets wrong most often stop with
// an error that says where: ragged rows, non-numeric cells, an empty file,
// fractional labels and a label column with one class only.
func TestBadCSV(t *testing.T) {
	cases := []struct {
		name, csv string
		want      []string
	}{
		{"ragged", "a,b,y\n1,2,0\n3,4\n5,6,1\n", []string{"train.csv", "line 3", "2 cells", "3 columns"}},
		{"non-numeric", "a,b,y\n1,2,0\n3,x4,1\n", []string{"train.csv", "line 3", `column "b"`, `"x4"`}},
		{"empty", "", []string{"train.csv", "empty"}},
		{"header only", "a,b,y\n", []string{"train.csv", "no data rows"}},
		{"fractional label", "a,b,y\n1,2,0\n3,4,0.5\n", []string{"data row 2", `column "y"`, "0.5", "not an integer"}},
		{"one class", "a,b,y\n1,2,7\n3,4,7\n5,6,7\n", []string{"only one class", "7"}},
		{"one text class", "a,b,y\n1,2,cat\n3,4,cat\n", []string{"only one class"}},
	}
	for _, c := range cases {
		err := func() error {
			tab, err := data.ParseCSV(strings.NewReader(c.csv), "train.csv", "y")
			if err != nil {
				return err
			}
			y, err := TableLabels(tab)
			if err != nil {
				return err
			}
			_, err = Fit(tab.X, tab.Rows, tab.NumFeatures(), y, DefaultParams())
			return err
		}()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
	// A good table with text labels trains.
	tab, err := data.ParseCSV(strings.NewReader("a,b,y\n0,0,cat\n0,1,cat\n5,5,dog\n5,6,dog\n"), "ok.csv", "y")
	if err != nil {
		t.Fatal(err)
	}
	y, err := TableLabels(tab)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Fit(tab.X, tab.Rows, 2, y, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Predict([]float64{0, 0.5, 5, 5.5}, 2); got[0] != y[0] || got[1] != y[2] {
		t.Errorf("text-labelled toy table predicted %v, want [%d %d]", got, y[0], y[2])
	}
}
