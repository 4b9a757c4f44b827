package nets

import (
	"math"

	"genxai/engine"
)

// The host kernels of the layer and batch norm ops: the arithmetic of the
// CPU backend's LayerNorm, LayerNormGrad, BatchNormStats, BatchNorm and
// BatchNormGrad (engine/cpu/norm.go) in the same order, so the tape and the
// plan compute the same values.

// normEps is the ε of both norms' 1/√(σ² + ε), PyTorch's default.
const normEps = 1e-5

// invSqrt is 1/√(v + normEps) in float32.
func invSqrt(v float32) float32 { return 1 / float32(math.Sqrt(float64(v+normEps))) }

// rowStats returns the mean and 1/√(σ² + ε) of one row, summed sequentially.
func rowStats(x []float32) (mu, rs float32) {
	var s float32
	for _, v := range x {
		s += v
	}
	mu = s / float32(len(x))
	var q float32
	for _, v := range x {
		q += (v - mu) * (v - mu)
	}
	return mu, invSqrt(q / float32(len(x)))
}

// layerNormRows writes y = (x − μ)·r·γ + β for every row of x [rows, cols].
func layerNormRows(x, gamma, beta []float32, cols int, y []float32) {
	for r := 0; r < len(x)/cols; r++ {
		xr, yr := x[r*cols:(r+1)*cols], y[r*cols:(r+1)*cols]
		mu, rs := rowStats(xr)
		for j, v := range xr {
			yr[j] = (v-mu)*rs*gamma[j] + beta[j]
		}
	}
}

// layerNormStats writes each row's mean (which 0) or 1/√(σ² + ε) (which 1).
func layerNormStats(x []float32, cols, which int, out []float32) {
	for r := range out {
		mu, rs := rowStats(x[r*cols : (r+1)*cols])
		out[r] = [2]float32{mu, rs}[which]
	}
}

// layerNormInputGrad writes dx = r·(g − Σg/N − x̂·Σ(g·x̂)/N) per row,
// g = dy·γ, x̂ = (x − μ)·r.
func layerNormInputGrad(dy, x, gamma, mean, rstd []float32, cols int, dx []float32) {
	nf := float32(cols)
	for r := range mean {
		gr, xr, dr := dy[r*cols:(r+1)*cols], x[r*cols:(r+1)*cols], dx[r*cols:(r+1)*cols]
		mu, rs := mean[r], rstd[r]
		var sg, sgx float32
		for j, v := range xr {
			g := gr[j] * gamma[j]
			sg += g
			sgx += g * ((v - mu) * rs)
		}
		for j, v := range xr {
			dr[j] = rs * (gr[j]*gamma[j] - sg/nf - (v-mu)*rs*(sgx/nf))
		}
	}
}

// layerNormParamGrad writes dγ = Σ_rows dy·x̂ (which 0) or dβ = Σ_rows dy
// (which 1) per column.
func layerNormParamGrad(dy, x, mean, rstd []float32, cols, which int, out []float32) {
	for j := range out {
		var s engine.ChunkSum
		for r := range mean {
			g := dy[r*cols+j]
			if which == 0 {
				g *= (x[r*cols+j] - mean[r]) * rstd[r]
			}
			s.Add(g)
		}
		out[j] = s.Sum()
	}
}

// channelGeom is x viewed as [n, c, s]: s = 1 for a 2-D input, h·w for NCHW.
type channelGeom struct{ n, c, s int }

// each calls f with every index of channel ch, in order.
func (g channelGeom) each(ch int, f func(k int)) {
	for i := 0; i < g.n; i++ {
		for k := (i*g.c + ch) * g.s; k < (i*g.c+ch+1)*g.s; k++ {
			f(k)
		}
	}
}

// stats returns the mean and the biased variance of channel ch of x.
func (g channelGeom) stats(x []float32, ch int) (mu, variance float32) {
	count := float32(g.n * g.s)
	var sum, sq engine.ChunkSum
	g.each(ch, func(k int) { sum.Add(x[k]) })
	mu = sum.Sum() / count
	g.each(ch, func(k int) { sq.Add((x[k] - mu) * (x[k] - mu)) })
	return mu, sq.Sum() / count
}

// batchNorm writes y = (x − μ)·r·γ + β per channel, r = 1/√(σ² + ε).
func (g channelGeom) batchNorm(x, mean, variance, gamma, beta, y []float32) {
	for ch := 0; ch < g.c; ch++ {
		mu, rs, gm, bt := mean[ch], invSqrt(variance[ch]), gamma[ch], beta[ch]
		g.each(ch, func(k int) { y[k] = (x[k]-mu)*rs*gm + bt })
	}
}

// gradSums returns Σdy and Σ(dy·x̂) over channel ch.
func (g channelGeom) gradSums(dy, x []float32, mu, rs float32, ch int) (sd, sdx float32) {
	var a, b engine.ChunkSum
	g.each(ch, func(k int) {
		a.Add(dy[k])
		b.Add(dy[k] * ((x[k] - mu) * rs))
	})
	return a.Sum(), b.Sum()
}

// inputGrad writes dx = γ·r·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) per channel.
func (g channelGeom) inputGrad(dy, x, mean, rstd, gamma, dx []float32) {
	count := float32(g.n * g.s)
	for ch := 0; ch < g.c; ch++ {
		mu, rs := mean[ch], rstd[ch]
		sd, sdx := g.gradSums(dy, x, mu, rs, ch)
		mdy, mdx, scale := sd/count, sdx/count, gamma[ch]*rs
		g.each(ch, func(k int) { dx[k] = scale * (dy[k] - mdy - (x[k]-mu)*rs*mdx) })
	}
}
