package cpu

import (
	"github.com/chewxy/math32"

	"genxai/engine"
)

// LayerNorm normalizes each row; a row's sums are sequential (two passes:
// the mean, then the biased variance around it).
func (b *Backend) LayerNorm(x, gamma, beta engine.Buffer, rows, cols int, eps float32, y, mean, rstd engine.Buffer) {
	n := rows * cols
	xd, yd := data("LayerNorm x", x, n), data("LayerNorm y", y, n)
	gd, bd := data("LayerNorm gamma", gamma, cols), data("LayerNorm beta", beta, cols)
	md, rd := data("LayerNorm mean", mean, rows), data("LayerNorm rstd", rstd, rows)
	b.norm = normJob{kind: normLayer, x: xd, y: yd, gamma: gd, beta: bd, mean: md, rstd: rd, cols: cols, eps: eps}
	b.run(rows, cols, &b.norm)
}

// layerRows is LayerNorm over rows [lo, hi).
func (j *normJob) layerRows(lo, hi int) {
	xd, yd, gd, bd, md, rd, cols, eps := j.x, j.y, j.gamma, j.beta, j.mean, j.rstd, j.cols, j.eps
	for r := lo; r < hi; r++ {
		xr, yr := xd[r*cols:(r+1)*cols], yd[r*cols:(r+1)*cols]
		var s float32
		for _, v := range xr {
			s += v
		}
		mu := s / float32(cols)
		var q float32
		for _, v := range xr {
			q += (v - mu) * (v - mu)
		}
		rs := 1 / math32.Sqrt(q/float32(cols)+eps)
		md[r], rd[r] = mu, rs
		for j, v := range xr {
			yr[j] = (v-mu)*rs*gd[j] + bd[j]
		}
	}
}

// LayerNormGrad writes dx = r·(g − Σg/N − x̂·Σ(g·x̂)/N) per row, g = dy·γ,
// x̂ = (x − μ)·r, and accumulates dγ and dβ per column over the rows in the
// engine.ChunkSum order.
func (b *Backend) LayerNormGrad(dy, x, gamma, mean, rstd engine.Buffer, rows, cols int, dx, dgamma, dbeta engine.Buffer) {
	n := rows * cols
	dyd, xd, dxd := data("LayerNormGrad dy", dy, n), data("LayerNormGrad x", x, n), data("LayerNormGrad dx", dx, n)
	gd, md, rd := data("LayerNormGrad gamma", gamma, cols), data("LayerNormGrad mean", mean, rows), data("LayerNormGrad rstd", rstd, rows)
	dgd, dbd := data("LayerNormGrad dgamma", dgamma, cols), data("LayerNormGrad dbeta", dbeta, cols)
	b.norm = normJob{kind: normLayerGrad, dy: dyd, x: xd, dx: dxd, gamma: gd, mean: md, rstd: rd, dgamma: dgd, dbeta: dbd, rows: rows, cols: cols}
	b.run(rows, cols, &b.norm)
	b.norm.kind, b.norm.scratch = normLayerParamGrad, b.scratch
	for w := range b.scratch {
		b.scratchOf(w, 4*cols)
	}
	b.run(cols, rows, &b.norm)
}

// layerGradRows is LayerNormGrad's dx over rows [lo, hi).
func (j *normJob) layerGradRows(lo, hi int) {
	dyd, xd, dxd, gd, md, rd, cols := j.dy, j.x, j.dx, j.gamma, j.mean, j.rstd, j.cols
	nf := float32(cols)
	for r := lo; r < hi; r++ {
		gr, xr, dr := dyd[r*cols:(r+1)*cols], xd[r*cols:(r+1)*cols], dxd[r*cols:(r+1)*cols]
		mu, rs := md[r], rd[r]
		var sg, sgx float32
		for j, v := range xr {
			g := gr[j] * gd[j]
			sg += g
			sgx += g * ((v - mu) * rs)
		}
		for j, v := range xr {
			dr[j] = rs * (gr[j]*gd[j] - sg/nf - (v-mu)*rs*(sgx/nf))
		}
	}
}

// layerParamCols is LayerNormGrad's dγ and dβ over columns [lo, hi). It
// walks the rows in order, so it reads dy and x as they lie in memory, and
// keeps each column's two sums in the engine.ChunkSum order in acc (4·(hi−lo)
// values): a part per block of engine.ReduceChunk rows, added to a total.
func (j *normJob) layerParamCols(acc []float32, lo, hi int) {
	dyd, xd, md, rd, rows, cols := j.dy, j.x, j.mean, j.rstd, j.rows, j.cols
	w := hi - lo
	sg, sgPart, sb, sbPart := acc[:w], acc[w:2*w], acc[2*w:3*w], acc[3*w:4*w]
	clear(sg)
	clear(sb)
	for r0 := 0; r0 < rows; r0 += engine.ReduceChunk {
		clear(sgPart)
		clear(sbPart)
		for r := r0; r < min(r0+engine.ReduceChunk, rows); r++ {
			g, x := dyd[r*cols+lo:r*cols+hi], xd[r*cols+lo:r*cols+hi]
			mu, rs := md[r], rd[r]
			for k, v := range g {
				sgPart[k] += v * ((x[k] - mu) * rs)
				sbPart[k] += v
			}
		}
		addVV(sg, sg, sgPart)
		addVV(sb, sb, sbPart)
	}
	addVV(j.dgamma[lo:hi], j.dgamma[lo:hi], sg)
	addVV(j.dbeta[lo:hi], j.dbeta[lo:hi], sb)
}

// channel visits channel ch of x [n, c, s] in order, calling f with each
// contiguous run of s values and its offset.
func channel(n, c, s, ch int, f func(off int)) {
	for i := 0; i < n; i++ {
		f((i*c + ch) * s)
	}
}

// BatchNormStats writes each channel's mean and biased variance, two passes
// in the engine.ChunkSum order over the n·s values of the channel.
func (b *Backend) BatchNormStats(x engine.Buffer, n, c, s int, mean, variance engine.Buffer) {
	b.norm = normJob{kind: normBatchStats, x: data("BatchNormStats x", x, n*c*s),
		mean: data("BatchNormStats mean", mean, c), variance: data("BatchNormStats variance", variance, c), n: n, c: c, s: s}
	b.run(c, n*s, &b.norm)
}

// batchStats is BatchNormStats over channels [lo, hi).
func (j *normJob) batchStats(lo, hi int) {
	xd, n, c, s := j.x, j.n, j.c, j.s
	count := float32(n * s)
	for ch := lo; ch < hi; ch++ {
		var sum, sq engine.ChunkSum
		channel(n, c, s, ch, func(off int) { sum.AddSlice(xd[off : off+s]) })
		mu := sum.Sum() / count
		channel(n, c, s, ch, func(off int) { sq.AddSquares(xd[off:off+s], mu) })
		j.mean[ch], j.variance[ch] = mu, sq.Sum()/count
	}
}

// BatchNorm writes y = (x − μ)·r·γ + β per channel and saves r = 1/√(σ²+eps).
func (b *Backend) BatchNorm(x, mean, variance, gamma, beta engine.Buffer, n, c, s int, eps float32, y, rstd engine.Buffer) {
	md, vd, rd := data("BatchNorm mean", mean, c), data("BatchNorm variance", variance, c), data("BatchNorm rstd", rstd, c)
	for ch := range rd {
		rd[ch] = 1 / math32.Sqrt(vd[ch]+eps)
	}
	b.norm = normJob{kind: normBatch, x: data("BatchNorm x", x, n*c*s), y: data("BatchNorm y", y, n*c*s), mean: md, rstd: rd,
		gamma: data("BatchNorm gamma", gamma, c), beta: data("BatchNorm beta", beta, c), c: c, s: s}
	b.run(n*c, s, &b.norm)
}

// batchPlanes is BatchNorm over the planes [lo, hi) of x [n·c, s].
func (j *normJob) batchPlanes(lo, hi int) {
	for p := lo; p < hi; p++ {
		ch := p % j.c
		mu, rs, g, bt := j.mean[ch], j.rstd[ch], j.gamma[ch], j.beta[ch]
		for k := p * j.s; k < (p+1)*j.s; k++ {
			j.y[k] = (j.x[k]-mu)*rs*g + bt
		}
	}
}

// BatchNormGrad writes dx = γ·r·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) per channel,
// N = n·s, and accumulates dβ += Σdy and dγ += Σ(dy·x̂), sums in the
// engine.ChunkSum order.
func (b *Backend) BatchNormGrad(dy, x, mean, rstd, gamma engine.Buffer, n, c, s int, dx, dgamma, dbeta engine.Buffer) {
	size := n * c * s
	b.norm = normJob{kind: normBatchGrad, dy: data("BatchNormGrad dy", dy, size), x: data("BatchNormGrad x", x, size), dx: data("BatchNormGrad dx", dx, size),
		mean: data("BatchNormGrad mean", mean, c), rstd: data("BatchNormGrad rstd", rstd, c), gamma: data("BatchNormGrad gamma", gamma, c),
		dgamma: data("BatchNormGrad dgamma", dgamma, c), dbeta: data("BatchNormGrad dbeta", dbeta, c), n: n, c: c, s: s}
	b.run(c, n*s, &b.norm)
}

// batchGrad is BatchNormGrad over channels [lo, hi).
func (j *normJob) batchGrad(lo, hi int) {
	dyd, xd, dxd, n, c, s := j.dy, j.x, j.dx, j.n, j.c, j.s
	count := float32(n * s)
	for ch := lo; ch < hi; ch++ {
		mu, rs := j.mean[ch], j.rstd[ch]
		var sd, sdx engine.ChunkSum
		channel(n, c, s, ch, func(off int) {
			for k := off; k < off+s; k++ {
				sd.Add(dyd[k])
				sdx.Add(dyd[k] * ((xd[k] - mu) * rs))
			}
		})
		mdy, mdx := sd.Sum()/count, sdx.Sum()/count
		scale := j.gamma[ch] * rs
		channel(n, c, s, ch, func(off int) {
			for k := off; k < off+s; k++ {
				dxd[k] = scale * (dyd[k] - mdy - (xd[k]-mu)*rs*mdx)
			}
		})
		j.dgamma[ch] += sdx.Sum()
		j.dbeta[ch] += sd.Sum()
	}
}

// RunningStats updates the running averages (engine.UpdateRunningStats).
func (b *Backend) RunningStats(runMean, runVar, mean, variance engine.Buffer, momentum float32, count int) {
	c := runMean.Len()
	engine.UpdateRunningStats(data("RunningStats runMean", runMean, c), data("RunningStats runVar", runVar, c),
		data("RunningStats mean", mean, c), data("RunningStats variance", variance, c), momentum, count)
}
