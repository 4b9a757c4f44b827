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
	b.rowKernel(rows, cols, func(r int) {
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
	})
}

// LayerNormGrad writes dx = r·(g − Σg/N − x̂·Σ(g·x̂)/N) per row, g = dy·γ,
// x̂ = (x − μ)·r, and accumulates dγ and dβ per column over the rows in the
// chunkSum order.
func (b *Backend) LayerNormGrad(dy, x, gamma, mean, rstd engine.Buffer, rows, cols int, dx, dgamma, dbeta engine.Buffer) {
	n := rows * cols
	dyd, xd, dxd := data("LayerNormGrad dy", dy, n), data("LayerNormGrad x", x, n), data("LayerNormGrad dx", dx, n)
	gd, md, rd := data("LayerNormGrad gamma", gamma, cols), data("LayerNormGrad mean", mean, rows), data("LayerNormGrad rstd", rstd, rows)
	dgd, dbd := data("LayerNormGrad dgamma", dgamma, cols), data("LayerNormGrad dbeta", dbeta, cols)
	nf := float32(cols)
	b.rowKernel(rows, cols, func(r int) {
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
	})
	b.parallel(cols, rows, func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			var sg, sb chunkSum
			for r := 0; r < rows; r++ {
				g := dyd[r*cols+j]
				sg.add(g * ((xd[r*cols+j] - md[r]) * rd[r]))
				sb.add(g)
			}
			dgd[j] += sg.sum()
			dbd[j] += sb.sum()
		}
	})
}

// channel visits channel ch of x [n, c, s] in order, calling f with each
// contiguous run of s values and its offset.
func channel(n, c, s, ch int, f func(off int)) {
	for i := 0; i < n; i++ {
		f((i*c + ch) * s)
	}
}

// BatchNormStats writes each channel's mean and biased variance, two passes
// in the chunkSum order over the n·s values of the channel.
func (b *Backend) BatchNormStats(x engine.Buffer, n, c, s int, mean, variance engine.Buffer) {
	xd := data("BatchNormStats x", x, n*c*s)
	md, vd := data("BatchNormStats mean", mean, c), data("BatchNormStats variance", variance, c)
	count := float32(n * s)
	b.parallel(c, n*s, func(_, lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var sum, sq chunkSum
			channel(n, c, s, ch, func(off int) {
				for _, v := range xd[off : off+s] {
					sum.add(v)
				}
			})
			mu := sum.sum() / count
			channel(n, c, s, ch, func(off int) {
				for _, v := range xd[off : off+s] {
					sq.add((v - mu) * (v - mu))
				}
			})
			md[ch], vd[ch] = mu, sq.sum()/count
		}
	})
}

// BatchNorm writes y = (x − μ)·r·γ + β per channel and saves r = 1/√(σ²+eps).
func (b *Backend) BatchNorm(x, mean, variance, gamma, beta engine.Buffer, n, c, s int, eps float32, y, rstd engine.Buffer) {
	xd, yd := data("BatchNorm x", x, n*c*s), data("BatchNorm y", y, n*c*s)
	md, vd, rd := data("BatchNorm mean", mean, c), data("BatchNorm variance", variance, c), data("BatchNorm rstd", rstd, c)
	gd, bd := data("BatchNorm gamma", gamma, c), data("BatchNorm beta", beta, c)
	for ch := range rd {
		rd[ch] = 1 / math32.Sqrt(vd[ch]+eps)
	}
	b.parallel(n*c, s, func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			ch := p % c
			mu, rs, g, bt := md[ch], rd[ch], gd[ch], bd[ch]
			for k := p * s; k < (p+1)*s; k++ {
				yd[k] = (xd[k]-mu)*rs*g + bt
			}
		}
	})
}

// BatchNormGrad writes dx = γ·r·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) per channel,
// N = n·s, and accumulates dβ += Σdy and dγ += Σ(dy·x̂), sums in the
// chunkSum order.
func (b *Backend) BatchNormGrad(dy, x, mean, rstd, gamma engine.Buffer, n, c, s int, dx, dgamma, dbeta engine.Buffer) {
	size := n * c * s
	dyd, xd, dxd := data("BatchNormGrad dy", dy, size), data("BatchNormGrad x", x, size), data("BatchNormGrad dx", dx, size)
	md, rd, gd := data("BatchNormGrad mean", mean, c), data("BatchNormGrad rstd", rstd, c), data("BatchNormGrad gamma", gamma, c)
	dgd, dbd := data("BatchNormGrad dgamma", dgamma, c), data("BatchNormGrad dbeta", dbeta, c)
	count := float32(n * s)
	b.parallel(c, n*s, func(_, lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mu, rs := md[ch], rd[ch]
			var sd, sdx chunkSum
			channel(n, c, s, ch, func(off int) {
				for k := off; k < off+s; k++ {
					sd.add(dyd[k])
					sdx.add(dyd[k] * ((xd[k] - mu) * rs))
				}
			})
			mdy, mdx := sd.sum()/count, sdx.sum()/count
			scale := gd[ch] * rs
			channel(n, c, s, ch, func(off int) {
				for k := off; k < off+s; k++ {
					dxd[k] = scale * (dyd[k] - mdy - (xd[k]-mu)*rs*mdx)
				}
			})
			dgd[ch] += sdx.sum()
			dbd[ch] += sd.sum()
		}
	})
}

// RunningStats updates the running averages (engine.UpdateRunningStats).
func (b *Backend) RunningStats(runMean, runVar, mean, variance engine.Buffer, momentum float32, count int) {
	c := runMean.Len()
	engine.UpdateRunningStats(data("RunningStats runMean", runMean, c), data("RunningStats runVar", runVar, c),
		data("RunningStats mean", mean, c), data("RunningStats variance", variance, c), momentum, count)
}
