package kan

import (
	"math"
	"testing"
)

func TestSymbolicRecoversSine(t *testing.T) {
	x := make([]float64, 101)
	y := make([]float64, len(x))
	for i := range x {
		x[i] = -2 + 4*float64(i)/100
		y[i] = 1.7*math.Sin(1.3*x[i]+0.4) - 0.5
	}
	fit, ok := Suggest(x, y, 0.999)
	if !ok || fit.Function != "sin" {
		t.Fatalf("suggested %+v (ok %v), want sin", fit, ok)
	}
	for i, v := range x {
		if got := fit.A*math.Sin(fit.B*v+fit.C) + fit.D; math.Abs(got-y[i]) > 1e-4 {
			t.Fatalf("fit %+v misses y(%g) = %g by %g", fit, v, y[i], got-y[i])
		}
	}
	// A parabola is not a sine at R² ≥ 0.999 once x² is in the library:
	// the simplest form that reaches the threshold wins.
	for i, v := range x {
		y[i] = 2*v*v - 1
	}
	if fit, ok := Suggest(x, y, 0.999); !ok || fit.Function != "x^2" {
		t.Fatalf("parabola: suggested %+v (ok %v), want x^2", fit, ok)
	}
	// log needs b·x + c > 0 somewhere on the data: a fit exists.
	if f := FitPrimitive(Library[5], x, y); math.IsInf(f.R2, -1) {
		t.Fatalf("log fit found no valid (b, c): %+v", f)
	}
	// constant data: no fit
	for i := range y {
		y[i] = 3
	}
	if fit, ok := Suggest(x, y, 0.99); ok || !math.IsInf(fit.R2, -1) {
		t.Fatalf("constant data: %+v suggested %v", fit, ok)
	}
}

func TestFormula(t *testing.T) {
	for _, tc := range []struct {
		s    SymbolicEdge
		want string
	}{
		{SymbolicEdge{Function: "sin", A: 1.5, B: 2, C: -0.25, D: 0.1}, "1.5·sin(2·age − 0.25) + 0.1"},
		{SymbolicEdge{Function: "x^2", A: -2, B: 0.5, C: 1, D: -1}, "-2·(0.5·age + 1)² − 1"},
		{SymbolicEdge{Function: "abs", A: 0.3, B: 1, C: -40, D: 0}, "0.3·|1·age − 40| + 0"},
	} {
		if got := formula(tc.s, "age"); got != tc.want {
			t.Errorf("formula(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
