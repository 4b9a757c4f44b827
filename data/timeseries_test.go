package data

import (
	"math"
	"strings"
	"testing"
)

func TestSunspotsBuiltin(t *testing.T) {
	s, err := ReadSeries(BuiltinSunspots, SeriesOptions{Time: "YEAR"})
	if err != nil {
		t.Fatal(err)
	}
	y, err := s.Column("SUNACTIVITY")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 309 || s.Time[0] != 1700 || s.Time[308] != 2008 || s.Step != 1 {
		t.Fatalf("sunspots: %d steps from %v to %v step %v; want 309 from 1700 to 2008 step 1", s.Len(), s.Time[0], s.Time[s.Len()-1], s.Step)
	}
	if y[0] != 5 || y[308] != 2.9 || s.GapRows != 0 || s.Filled[0] != 0 {
		t.Fatalf("sunspots: first %v last %v gaps %d filled %d", y[0], y[308], s.GapRows, s.Filled[0])
	}
}

func TestSeriesFill(t *testing.T) {
	const csv = "t,a,b\n1,1,10\n2,,20\n4,4,NA\n5,5,50\n"
	for _, c := range []struct {
		fill string
		a, b []float64
	}{
		{FillPrevious, []float64{1, 1, 1, 4, 5}, []float64{10, 20, 20, 20, 50}},
		{FillLinear, []float64{1, 2, 3, 4, 5}, []float64{10, 20, 30, 40, 50}},
	} {
		s, err := ParseSeries(strings.NewReader(csv), "x.csv", SeriesOptions{Time: "t", Fill: c.fill})
		if err != nil {
			t.Fatal(err)
		}
		if s.GapRows != 1 || s.Filled[0] != 2 || s.Filled[1] != 2 || s.Time[2] != 3 {
			t.Fatalf("%s: gaps %d filled %v times %v", c.fill, s.GapRows, s.Filled, s.Time)
		}
		for j, want := range [][]float64{c.a, c.b} {
			for i := range want {
				if math.Abs(s.Values[j][i]-want[i]) > 1e-12 {
					t.Fatalf("%s column %d: got %v want %v", c.fill, j, s.Values[j], want)
				}
			}
		}
	}
}

func TestSeriesErrors(t *testing.T) {
	for _, c := range []struct {
		name, csv string
		opt       SeriesOptions
		want      string
	}{
		{"gap", "t,a\n1,1\n2,2\n4,4\n", SeriesOptions{Time: "t"}, `line 4, column "t": gap: 1 missing time steps`},
		{"order", "t,a\n1,1\n3,2\n2,4\n", SeriesOptions{Time: "t"}, `line 4, column "t": time out of order`},
		{"missing", "t,a\n1,1\n2,\n3,4\n", SeriesOptions{Time: "t"}, `line 3, column "a": missing value at time 2`},
		{"text", "t,a\n1,1\n2,x\n", SeriesOptions{Time: "t"}, `line 3, column "a": not a finite number`},
		{"irregular", "t,a\n1,1\n2,2\n3.5,3\n", SeriesOptions{Time: "t"}, `line 4, column "t": irregular time step`},
		{"first", "t,a\n1,\n2,2\n", SeriesOptions{Time: "t", Fill: FillPrevious}, `line 2, column "a": missing value in the first row`},
		{"end", "t,a\n1,1\n2,\n", SeriesOptions{Time: "t", Fill: FillLinear}, `line 3, column "a": missing value at time 2 with no observed value on one side`},
		{"notime", "t,a\n1,1\n", SeriesOptions{Time: "year"}, `no time column "year"`},
		{"nocol", "t,a\n1,1\n", SeriesOptions{Columns: []string{"b"}}, `no value column "b"`},
		{"fill", "t,a\n1,1\n", SeriesOptions{Fill: "mean"}, `fill "mean" unknown`},
	} {
		_, err := ParseSeries(strings.NewReader(c.csv), "x.csv", c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "x.csv") {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
