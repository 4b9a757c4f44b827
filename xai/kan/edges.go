package kan

import (
	"fmt"
	"math"
	"strconv"
)

// EdgeCurve is one edge function sampled on its input's grid range. For
// the first layer X is in the feature's own units (the model standardizes
// it first); for later layers it is the hidden node's value.
type EdgeCurve struct {
	Layer    int       `json:"layer"`
	From, To string    `json:"-"`
	I, J     int       `json:"-"`
	X, Y     []float64 `json:"-"`
	Active   bool      `json:"-"`
}

// NodeName names node j of layer boundary l: features at 0, "h<l>.<j>"
// for hidden nodes and "logit" (or "logit <class>") for the outputs.
func (m *Model) NodeName(l, j int) string {
	switch {
	case l == 0:
		return m.Features[j]
	case l < len(m.Layers):
		return fmt.Sprintf("h%d.%d", l, j)
	case m.Widths[l] == 1:
		return "logit " + m.Classes[1]
	}
	return "logit " + m.Classes[j]
}

// Edges samples every edge function at points evenly spaced points.
func (m *Model) Edges(points int) []EdgeCurve {
	var out []EdgeCurve
	for li, l := range m.Layers {
		for i := 0; i < l.In; i++ {
			g := l.Grids[i]
			for j := 0; j < l.Out; j++ {
				e := EdgeCurve{Layer: li, From: m.NodeName(li, i), To: m.NodeName(li+1, j), I: i, J: j, Active: l.Mask[i*l.Out+j] != 0}
				for s := 0; s < points; s++ {
					z := g.Lo + (g.Hi-g.Lo)*float64(s)/float64(points-1)
					x := z
					if li == 0 {
						x = m.Mean[i] + m.SD[i]*z
					}
					e.X, e.Y = append(e.X, x), append(e.Y, l.Edge(i, j, z))
				}
				out = append(out, e)
			}
		}
	}
	return out
}

// SymbolicEdge is the symbolic suggestion for one active edge: the best
// (or simplest above the threshold) fit a·f(b·x + c) + d in the units of
// the edge's input (the feature's own for the first layer).
type SymbolicEdge struct {
	Layer      int     `json:"layer"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Function   string  `json:"function"`
	A, B, C, D float64 `json:"-"`
	R2         float64 `json:"r2"`
	Suggested  bool    `json:"suggested"`
	Formula    string  `json:"formula"`
}

// Symbolic fits the library to every active edge whose function is not
// constant (at 101 points of its grid range) and suggests the fits whose
// R² reaches threshold; a first-layer fit is reported in the feature's own
// units.
func (m *Model) Symbolic(threshold float64) []SymbolicEdge {
	var out []SymbolicEdge
	for _, e := range m.Edges(101) {
		if !e.Active {
			continue
		}
		// fit in standardized units (the search ranges of b and c suit
		// them), then substitute z = (x − mean)/SD for a first-layer edge
		z := e.X
		if e.Layer == 0 {
			z = make([]float64, len(e.X))
			for k, v := range e.X {
				z[k] = (v - m.Mean[e.I]) / m.SD[e.I]
			}
		}
		fit, ok := Suggest(z, e.Y, threshold)
		if math.IsInf(fit.R2, -1) {
			continue
		}
		if e.Layer == 0 {
			fit.B, fit.C = fit.B/m.SD[e.I], fit.C-fit.B*m.Mean[e.I]/m.SD[e.I]
		}
		s := SymbolicEdge{Layer: e.Layer, From: e.From, To: e.To, Function: fit.Function,
			A: fit.A, B: fit.B, C: fit.C, D: fit.D, R2: fit.R2, Suggested: ok}
		s.Formula = formula(s, e.From)
		out = append(out, s)
	}
	return out
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func signed(v float64) string {
	if v < 0 {
		return "− " + num(-v)
	}
	return "+ " + num(v)
}

// formula writes a fit as a·f(b·x + c) + d with x the input's name:
// "1.2·sin(0.5·age − 3) + 0.1", "2·(0.5·age + 1)² − 1", "0.3·|age − 40|".
func formula(s SymbolicEdge, x string) string {
	u := num(s.B) + "·" + x + " " + signed(s.C)
	var f string
	switch s.Function {
	case "x":
		f = "(" + u + ")"
	case "x^2":
		f = "(" + u + ")²"
	case "x^3":
		f = "(" + u + ")³"
	case "abs":
		f = "|" + u + "|"
	default:
		f = s.Function + "(" + u + ")"
	}
	return num(s.A) + "·" + f + " " + signed(s.D)
}
