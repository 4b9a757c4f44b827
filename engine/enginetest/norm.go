package enginetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// normRef normalizes groups of values: group g holds the indices idx(g, k)
// for k < count. It returns, in float64, the forward output, each group's
// mean and 1/√(σ²+eps), dx and the per-parameter sums dγ = Σ dy·x̂ and
// dβ = Σ dy (param(g, k) names the γ/β index of element k of group g).
type normRef struct {
	y, mean, rstd, dx, dgamma, dbeta []float64
}

func normalize(x, dy, gamma, beta []float32, groups, count int, eps float64, idx, param func(g, k int) int) normRef {
	r := normRef{y: make([]float64, len(x)), dx: make([]float64, len(x)), mean: make([]float64, groups), rstd: make([]float64, groups),
		dgamma: make([]float64, len(gamma)), dbeta: make([]float64, len(gamma))}
	for g := 0; g < groups; g++ {
		var s, q, sg, sgx float64
		for k := 0; k < count; k++ {
			s += float64(x[idx(g, k)])
		}
		mu := s / float64(count)
		for k := 0; k < count; k++ {
			d := float64(x[idx(g, k)]) - mu
			q += d * d
		}
		rs := 1 / math.Sqrt(q/float64(count)+eps)
		r.mean[g], r.rstd[g] = mu, rs
		xhat := func(k int) float64 { return (float64(x[idx(g, k)]) - mu) * rs }
		for k := 0; k < count; k++ {
			i, p := idx(g, k), param(g, k)
			r.y[i] = xhat(k)*float64(gamma[p]) + float64(beta[p])
			gi := float64(dy[i]) * float64(gamma[p])
			sg, sgx = sg+gi, sgx+gi*xhat(k)
			r.dgamma[p] += float64(dy[i]) * xhat(k)
			r.dbeta[p] += float64(dy[i])
		}
		for k := 0; k < count; k++ {
			i, p := idx(g, k), param(g, k)
			r.dx[i] = rs * (float64(dy[i])*float64(gamma[p]) - sg/float64(count) - xhat(k)*sgx/float64(count))
		}
	}
	return r
}

// normInputs draws x (shifted and scaled so the mean and variance matter),
// dy, γ near 1, β, and initial dγ and dβ (the gradient kernels accumulate).
func normInputs(rng *rand.Rand, n, params int) (x, dy, gamma, beta, dg0, db0 []float32) {
	x, dy, gamma, beta = normals(rng, n), normals(rng, n), normals(rng, params), normals(rng, params)
	for i := range x {
		x[i] = 3*x[i] + 2
	}
	for i := range gamma {
		gamma[i] = 1 + gamma[i]/4
	}
	return x, dy, gamma, beta, normals(rng, params), normals(rng, params)
}

func plus(base []float32, add []float64) []float64 {
	out := make([]float64, len(add))
	for i := range add {
		out[i] = float64(base[i]) + add[i]
	}
	return out
}

func layerNormCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	const eps = 1e-5
	for _, sh := range shapes2() {
		rows, cols := sh[0], sh[1]
		x, dy, gamma, beta, dg0, db0 := normInputs(rng, rows*cols, cols)
		ref := normalize(x, dy, gamma, beta, rows, cols, eps, func(g, k int) int { return g*cols + k }, func(_, k int) int { return k })
		xb, gb := up(be, x), up(be, gamma)
		y, mean, rstd, dx := be.Alloc(rows*cols), be.Alloc(rows), be.Alloc(rows), be.Alloc(rows*cols)
		dg, db := up(be, dg0), up(be, db0)
		be.LayerNorm(xb, gb, up(be, beta), rows, cols, eps, y, mean, rstd)
		be.LayerNormGrad(up(be, dy), xb, gb, mean, rstd, rows, cols, dx, dg, db)
		outs = append(outs, checkNorm(t, be, fmt.Sprintf("layer norm %d×%d", rows, cols), ref, cols, rows, dg0, db0,
			[]engine.Buffer{y, mean, rstd, dx, dg, db})...)
	}
	return outs
}

// checkNorm compares y, mean, rstd, dx, dγ and dβ with the reference: the
// row statistics and outputs over count summands, the parameter sums over
// terms (groups of them) of magnitude about |dy|·|x̂| ≤ 4·√terms.
func checkNorm(t *testing.T, be engine.Backend, what string, ref normRef, count, terms int, dg0, db0 []float32, bufs []engine.Buffer) [][]float32 {
	t.Helper()
	got := make([][]float32, len(bufs))
	for i, b := range bufs {
		got[i] = down(t, be, b)
	}
	tol := sumTol(count)
	near(t, what+" y", got[0], ref.y, tol, 8)
	near(t, what+" mean", got[1], ref.mean, tol, 8)
	near(t, what+" rstd", got[2], ref.rstd, tol, 1)
	rmax := 0.0
	for _, r := range ref.rstd {
		rmax = math.Max(rmax, r)
	}
	near(t, what+" dx", got[3], ref.dx, tol, 8*rmax) // dx's terms are scaled by 1/σ
	near(t, what+" dgamma", got[4], plus(dg0, ref.dgamma), sumTol(terms), 4*float64(terms))
	near(t, what+" dbeta", got[5], plus(db0, ref.dbeta), sumTol(terms), 4*float64(terms))
	return got
}

// batchNormCase normalizes [n, c, s] tensors per channel: 2-D (s = 1) and
// NCHW shapes, then checks the running-statistic update bit for bit.
func batchNormCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	const eps = 1e-5
	for _, sh := range [][3]int{{1, 1, 1}, {17, 3, 1}, {127, 17, 1}, {3, 1, 17}, {5, 3, 49}, {2, 17, 127}, {1100, 2, 1}} {
		n, c, s := sh[0], sh[1], sh[2]
		x, dy, gamma, beta, dg0, db0 := normInputs(rng, n*c*s, c)
		idx := func(g, k int) int { return (k/s*c+g)*s + k%s }
		ref := normalize(x, dy, gamma, beta, c, n*s, eps, idx, func(g, _ int) int { return g })
		xb, gb := up(be, x), up(be, gamma)
		mean, variance, rstd, y, dx := be.Alloc(c), be.Alloc(c), be.Alloc(c), be.Alloc(n*c*s), be.Alloc(n*c*s)
		dg, db := up(be, dg0), up(be, db0)
		be.BatchNormStats(xb, n, c, s, mean, variance)
		be.BatchNorm(xb, mean, variance, gb, up(be, beta), n, c, s, eps, y, rstd)
		be.BatchNormGrad(up(be, dy), xb, mean, rstd, gb, n, c, s, dx, dg, db)
		what := fmt.Sprintf("batch norm %v", sh)
		outs = append(outs, checkNorm(t, be, what, ref, n*s, n*s, dg0, db0, []engine.Buffer{y, mean, rstd, dx, dg, db})...)
		vv := down(t, be, variance)
		wantVar := make([]float64, c)
		for g, r := range ref.rstd {
			wantVar[g] = 1/(r*r) - eps
		}
		near(t, what+" variance", vv, wantVar, sumTol(n*s), 9)

		rm0, rv0 := normals(rng, c), normals(rng, c)
		rm, rv := up(be, rm0), up(be, rv0)
		momentum := float32(0.1)
		be.RunningStats(rm, rv, mean, variance, momentum, n*s)
		mv := down(t, be, mean)
		unbias := float32(1)
		if n*s > 1 {
			unbias = float32(n*s) / float32(n*s-1)
		}
		wm, wv := make([]float32, c), make([]float32, c)
		for i := range wm {
			wm[i] = (1-momentum)*rm0[i] + momentum*mv[i]
			wv[i] = (1-momentum)*rv0[i] + momentum*vv[i]*unbias
		}
		gm, gv := down(t, be, rm), down(t, be, rv)
		exact(t, what+" running mean", gm, wm)
		exact(t, what+" running variance", gv, wv)
		outs = append(outs, gm, gv)
	}
	return outs
}
