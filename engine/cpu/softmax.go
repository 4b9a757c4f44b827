package cpu

import (
	"github.com/chewxy/math32"

	"genxai/engine"
)

// rowKernel runs f over each row of the [rows, cols] tensors, rows split
// across workers; a row is never split, so its sums are sequential.
func (b *Backend) rowKernel(rows, cols int, f func(r int)) {
	b.parallel(rows, cols, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			f(r)
		}
	})
}

// rowMax returns the largest value of x (a NaN wins).
func rowMax(x []float32) float32 {
	m := x[0]
	for _, v := range x[1:] {
		if v > m || v != v {
			m = v
		}
	}
	return m
}

// Softmax writes y_j = exp(x_j − max x) / Σ_k exp(x_k − max x) per row.
func (b *Backend) Softmax(x engine.Buffer, rows, cols int, y engine.Buffer) {
	xd, yd := data("Softmax x", x, rows*cols), data("Softmax y", y, rows*cols)
	b.rowKernel(rows, cols, func(r int) {
		xr, yr := xd[r*cols:(r+1)*cols], yd[r*cols:(r+1)*cols]
		m := rowMax(xr)
		var s float32
		subVS(yr, xr, m)
		expBlock(yr, yr)
		for _, v := range yr {
			s += v
		}
		divVS(yr, yr, s)
	})
}

// LogSoftmax writes y_j = x_j − max x − log Σ_k exp(x_k − max x) per row.
func (b *Backend) LogSoftmax(x engine.Buffer, rows, cols int, y engine.Buffer) {
	xd, yd := data("LogSoftmax x", x, rows*cols), data("LogSoftmax y", y, rows*cols)
	b.rowKernel(rows, cols, func(r int) {
		xr, yr := xd[r*cols:(r+1)*cols], yd[r*cols:(r+1)*cols]
		m := rowMax(xr)
		var s float32
		for _, v := range xr {
			s += math32.Exp(v - m)
		}
		ls := math32.Log(s)
		for j, v := range xr {
			yr[j] = v - m - ls
		}
	})
}

// SoftmaxGrad writes dx_j = y_j·(dy_j − Σ_k dy_k·y_k) per row.
func (b *Backend) SoftmaxGrad(y, dy engine.Buffer, rows, cols int, dx engine.Buffer) {
	n := rows * cols
	yd, gd, dd := data("SoftmaxGrad y", y, n), data("SoftmaxGrad dy", dy, n), data("SoftmaxGrad dx", dx, n)
	b.rowKernel(rows, cols, func(r int) {
		yr, gr, dr := yd[r*cols:(r+1)*cols], gd[r*cols:(r+1)*cols], dd[r*cols:(r+1)*cols]
		var dot float32
		for j, v := range yr {
			dot += gr[j] * v
		}
		for j, v := range yr {
			dr[j] = v * (gr[j] - dot)
		}
	})
}

// LogSoftmaxGrad writes dx_j = dy_j − exp(y_j)·Σ_k dy_k per row.
func (b *Backend) LogSoftmaxGrad(y, dy engine.Buffer, rows, cols int, dx engine.Buffer) {
	n := rows * cols
	yd, gd, dd := data("LogSoftmaxGrad y", y, n), data("LogSoftmaxGrad dy", dy, n), data("LogSoftmaxGrad dx", dx, n)
	b.rowKernel(rows, cols, func(r int) {
		yr, gr, dr := yd[r*cols:(r+1)*cols], gd[r*cols:(r+1)*cols], dd[r*cols:(r+1)*cols]
		var s float32
		for _, g := range gr {
			s += g
		}
		for j, v := range yr {
			dr[j] = gr[j] - math32.Exp(v)*s
		}
	})
}
