package kan

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// refitPoints is the number of points per basis function at which a new
// grid's coefficients are fitted to the old spline.
const refitPoints = 8

// regrid replaces the layer's grids by grids (all of one size) and fits
// the coefficients of every edge by least squares to the old spline's
// values at evenly spaced points of the new grid's range (the paper's grid
// extension, §2.4: c' = argmin Σ_x (Σ_r c'_r B'_r(x) − Σ_r c_r B_r(x))²).
// It returns the largest |w_s·(new − old)| at those points.
func (l *Layer) regrid(grids []Grid) (float64, error) {
	nk := grids[0].Size()
	c := make([]float64, l.In*nk*l.Out)
	var worst float64
	for i, ng := range grids {
		og := l.Grids[i]
		p := refitPoints * nk
		a, t := mat.NewDense(p, nk, nil), mat.NewDense(p, l.Out, nil)
		olds := make([][]float64, l.Out)
		for j := range olds {
			olds[j] = l.Coefs(i, j)
		}
		b := make([]float64, nk)
		for s := 0; s < p; s++ {
			x := ng.Lo + (ng.Hi-ng.Lo)*float64(s)/float64(p-1)
			ng.Basis(x, b, nil)
			a.SetRow(s, b)
			for j := range olds {
				t.Set(s, j, og.Spline(olds[j], x))
			}
		}
		var sol, fitted mat.Dense
		if err := sol.Solve(a, t); err != nil {
			return 0, fmt.Errorf("kan: refitting input %d's splines on grid %d: %w", i, ng.Intervals, err)
		}
		fitted.Mul(a, &sol)
		for j := 0; j < l.Out; j++ {
			e := i*l.Out + j
			for s := 0; s < p; s++ {
				worst = math.Max(worst, math.Abs(l.Ws[e]*l.Mask[e]*(fitted.At(s, j)-t.At(s, j))))
			}
			for r := 0; r < nk; r++ {
				c[(i*nk+r)*l.Out+j] = sol.At(r, j)
			}
		}
	}
	l.C, l.Grids = c, grids
	return worst, nil
}

// ExtendGrid refines every layer's grids to g intervals over the same
// ranges, fitting the new coefficients to the old splines (grid
// extension). It returns the largest change of an edge function.
func (m *Model) ExtendGrid(g int) (float64, error) {
	if g < 1 {
		return 0, fmt.Errorf("kan: grid extension to %d intervals: need at least one", g)
	}
	var worst float64
	for _, l := range m.Layers {
		grids := make([]Grid, l.In)
		for i, og := range l.Grids {
			grids[i] = Grid{Lo: og.Lo, Hi: og.Hi, Intervals: g}
		}
		e, err := l.regrid(grids)
		if err != nil {
			return 0, err
		}
		worst = math.Max(worst, e)
	}
	return worst, nil
}

// UpdateHiddenGrids moves the grids of the layers after the first to the
// range their inputs take on the n standardized rows z (the paper's grid
// update from samples), refitting the splines to keep each function on the
// range it had.
func (m *Model) UpdateHiddenGrids(z []float64, n int) error {
	d := len(m.Features)
	lo := make([][]float64, len(m.Layers))
	hi := make([][]float64, len(m.Layers))
	for li, l := range m.Layers {
		lo[li], hi[li] = filled(l.In, math.Inf(1)), filled(l.In, math.Inf(-1))
	}
	for r := 0; r < n; r++ {
		act := z[r*d : (r+1)*d]
		for li, l := range m.Layers {
			for i, v := range act {
				lo[li][i], hi[li][i] = math.Min(lo[li][i], v), math.Max(hi[li][i], v)
			}
			act = l.Forward(act)
		}
	}
	for li := 1; li < len(m.Layers); li++ {
		l := m.Layers[li]
		grids := make([]Grid, l.In)
		for i, og := range l.Grids {
			a, b := lo[li][i], hi[li][i]
			if b-a < 1e-3 {
				a, b = a-1e-3, b+1e-3
			}
			grids[i] = Grid{Lo: a, Hi: b, Intervals: og.Intervals}
		}
		if _, err := l.regrid(grids); err != nil {
			return err
		}
	}
	return nil
}
