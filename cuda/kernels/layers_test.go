//go:build cudacpu

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// The layer kernels (conv.cu, pool.cu, gather.cu) on the CPU harness
// against engine/cpu, bit for bit: each thread of these kernels computes
// its value with engine/cpu's operations in engine/cpu's order.

// i32 lists sizes as the kernels' int parameters.
func i32(v ...int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = int32(x)
	}
	return out
}

// cat joins argument lists.
func cat(parts ...[]any) []any {
	var out []any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// convCases draws a geometry for every stride from 1 to 3 and padding
// from 0 to 3 (odd extents, kernels up to 5×5 that fit the padded input),
// and adds the edges: a 1×1 image, a 1×1 direct kernel, a "same" 3×3
// convolution of a 28×28 image and a kernel as large as the padded input.
func convCases(rng *rand.Rand) []engine.ConvShape {
	out := []engine.ConvShape{
		{N: 1, C: 1, H: 1, W: 1, KH: 1, KW: 1, Stride: 1},
		{N: 3, C: 5, H: 9, W: 7, KH: 1, KW: 1, Stride: 1},
		{N: 2, C: 2, H: 28, W: 28, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 1, C: 2, H: 3, W: 5, KH: 7, KW: 9, Stride: 2, Pad: 2},
	}
	for stride := 1; stride <= 3; stride++ {
		for pad := 0; pad <= 3; pad++ {
			for {
				s := engine.ConvShape{N: 1 + rng.IntN(3), C: 1 + rng.IntN(4), H: 1 + 2*rng.IntN(10), W: 2 + rng.IntN(18),
					KH: 1 + rng.IntN(5), KW: 1 + rng.IntN(5), Stride: stride, Pad: pad}
				if s.Check() == nil {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

func convArgs(s engine.ConvShape) []any {
	return i32(s.N, s.C, s.H, s.W, s.KH, s.KW, s.Stride, s.Pad)
}

func TestHarnessConv(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(19, 20))
	for _, s := range convCases(rng) {
		npix, ncols := s.N*s.C*s.H*s.W, s.N*s.Rows()*s.Cols()
		x := normals(rng, npix)
		cb := up(normals(rng, ncols))
		ref.Im2col(s, up(x), cb)
		cols := normals(rng, ncols) // every entry must be written
		h.gridded(t, "im2col", ncols, cat([]any{clone(x), cols}, convArgs(s))...)
		agree(t, fmt.Sprintf("im2col %+v", s), cols, down(cb), true)

		patches, x0 := normals(rng, ncols), normals(rng, npix)
		xb := up(x0)
		ref.Col2im(s, up(patches), xb) // zeroes the padding entries of its copy
		got := clone(x0)
		h.gridded(t, "col2im", npix, cat([]any{patches, got}, convArgs(s))...)
		agree(t, fmt.Sprintf("col2im %+v", s), got, down(xb), true)
	}
}

// poolCases are [planes, h, w, k] with ragged edges, windows of 1 to 5 and
// the 2×2 window's own path in engine/cpu.
var poolCases = [][4]int{{1, 1, 1, 1}, {3, 4, 4, 2}, {2, 5, 7, 2}, {2, 9, 10, 3}, {1, 17, 3, 3},
	{4, 28, 28, 2}, {3, 7, 7, 1}, {2, 11, 13, 4}, {5, 15, 16, 5}, {7, 13, 9, 2}}

// tiedValues draws values rounded to halves, so that windows hold ties,
// with a few −0, +0 and NaN: the 2×2 path and the scan of other windows
// treat signed zeros and NaN differently in engine/cpu. With nonPositive
// the other values are at most −0.5, so that many windows' maximum is a
// zero of either sign.
func tiedValues(rng *rand.Rand, n int, nonPositive bool) []float32 {
	x := normals(rng, n)
	for i := range x {
		switch u := rng.Float64(); {
		case u < 0.02:
			x[i] = float32(math.NaN())
		case u < 0.08:
			x[i] = float32(math.Copysign(0, -1))
		case u < 0.14:
			x[i] = 0
		case nonPositive:
			x[i] = -float32(math.Round(math.Abs(float64(x[i]))*2)/2) - 0.5
		default:
			x[i] = float32(math.Round(float64(x[i])*2) / 2)
		}
	}
	return x
}

func TestHarnessPool(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(21, 22))
	windows, tied, nan, zero := 0, 0, 0, 0
	for c, sh := range poolCases {
		planes, hh, w, k := sh[0], sh[1], sh[2], sh[3]
		what := fmt.Sprintf("%d planes %d×%d window %d", planes, hh, w, k)
		nx, ny := planes*hh*w, planes*(hh/k)*(w/k)
		x, dy := tiedValues(rng, nx, c%2 == 1), normals(rng, ny)
		xb, yb, dxb := up(x), ref.Alloc(ny), ref.Alloc(nx)
		ref.MaxPool2D(xb, planes, hh, w, k, yb)
		y := normals(rng, ny)
		h.gridded(t, "max_pool", ny, cat([]any{clone(x)}, i32(planes, hh, w, k), []any{y})...)
		want := down(yb)
		agree(t, "max_pool "+what, y, want, true)
		ref.MaxPool2DGrad(xb, yb, up(dy), planes, hh, w, k, dxb)
		dx := normals(rng, nx) // every element must be written
		h.gridded(t, "max_pool_grad", nx, cat([]any{clone(x), want, clone(dy)}, i32(planes, hh, w, k), []any{dx})...)
		agree(t, "max_pool_grad "+what, dx, down(dxb), true)
		w2, t2, n2, z2 := countTies(x, want, planes, hh, w, k)
		windows, tied, nan, zero = windows+w2, tied+t2, nan+n2, zero+z2
	}
	if tied == 0 || nan == 0 || zero == 0 {
		t.Fatalf("the pooling cases hold %d tied, %d NaN and %d signed-zero windows: a rule went untested", tied, nan, zero)
	}
	t.Logf("max pooling: %d windows, %d with a tied maximum, %d with a NaN maximum, %d whose maximum is a zero with both signs present",
		windows, tied, nan, zero)
}

// countTies counts the windows, those whose maximum y (not NaN) occurs more
// than once, those whose maximum is NaN, and those whose maximum is a zero
// with −0 and +0 both in the window.
func countTies(x, y []float32, planes, h, w, k int) (windows, tied, nan, zero int) {
	oh, ow := h/k, w/k
	for o, m := range y {
		p, oy, ox := o/(oh*ow), o/ow%oh, o%ow
		windows++
		if m != m {
			nan++
			continue
		}
		eq, neg := 0, 0
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				if v := x[(p*h+oy*k+ky)*w+ox*k+kx]; v == m {
					eq++
					if math.Signbit(float64(v)) {
						neg++
					}
				}
			}
		}
		if eq > 1 {
			tied++
		}
		if m == 0 && neg > 0 && neg < eq {
			zero++
		}
	}
	return windows, tied, nan, zero
}

func TestHarnessUpsample(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(23, 24))
	for _, sh := range poolCases {
		planes, hh, w, k := sh[0], sh[1], sh[2], sh[3]
		what := fmt.Sprintf("%d planes %d×%d factor %d", planes, hh, w, k)
		n, n2 := planes*hh*w, planes*hh*w*k*k
		x, dy := normals(rng, n), normals(rng, n2)
		yb, dxb := ref.Alloc(n2), ref.Alloc(n)
		ref.Upsample(up(x), planes, hh, w, k, yb)
		y := normals(rng, n2)
		h.gridded(t, "upsample", n2, cat([]any{clone(x)}, i32(planes, hh, w, k), []any{y})...)
		agree(t, "upsample "+what, y, down(yb), true)
		ref.UpsampleGrad(up(dy), planes, hh, w, k, dxb)
		dx := normals(rng, n)
		h.gridded(t, "upsample_grad", n, cat([]any{clone(dy)}, i32(planes, hh, w, k), []any{dx})...)
		agree(t, "upsample_grad "+what, dx, down(dxb), true)
	}
}

// ids draws n row ids of a table of vocab rows, as float32; with n above
// vocab, ids repeat.
func ids(rng *rand.Rand, n, vocab int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.IntN(vocab))
	}
	return out
}

func TestHarnessGather(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(25, 26))
	// [vocab, dim, n]: a repeated id in every case with n > vocab, and a
	// dim over 256 so that scatter_add's columns span blocks.
	for _, c := range [][3]int{{1, 1, 1}, {1, 3, 9}, {5, 3, 17}, {17, 33, 40}, {3, 300, 7}, {50, 17, 600}, {1000, 5, 3}} {
		vocab, dim, n := c[0], c[1], c[2]
		what := fmt.Sprintf("vocab %d dim %d n %d", vocab, dim, n)
		table, id, dout := normals(rng, vocab*dim), ids(rng, n, vocab), normals(rng, n*dim)
		ob := ref.Alloc(n * dim)
		ref.Gather(up(table), vocab, dim, up(id), n, ob)
		out := normals(rng, n*dim)
		h.gridded(t, "gather", n*dim, clone(table), int32(vocab), int32(dim), clone(id), int32(n), out)
		agree(t, "gather "+what, out, down(ob), true)
		tb := up(table)
		ref.ScatterAdd(up(dout), up(id), n, tb, vocab, dim)
		got := clone(table)
		h.gridded(t, "scatter_add", dim, clone(dout), clone(id), int32(n), got, int32(vocab), int32(dim))
		agree(t, "scatter_add "+what, got, down(tb), true)
	}
}

// TestHarnessGatherBadIds checks what the kernels do where engine/cpu
// panics: an id that is not an integer in [0, vocab) gives a NaN row in
// gather and is skipped by scatter_add; the valid ids give engine/cpu's
// results over the valid ids alone.
func TestHarnessGatherBadIds(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(27, 28))
	const vocab, dim = 6, 7
	id := []float32{2, -1, 5, 6, 1.5, float32(math.NaN()), float32(math.Inf(1)), 2, 1e10, 0, float32(math.Copysign(0, -1))}
	n := len(id)
	table, dout := normals(rng, vocab*dim), normals(rng, n*dim)
	var goodIds, goodRows []float32
	for i, v := range id {
		if r := int(v); float32(r) == v && r >= 0 && r < vocab {
			goodIds, goodRows = append(goodIds, v), append(goodRows, dout[i*dim:(i+1)*dim]...)
		}
	}
	out := make([]float32, n*dim)
	h.gridded(t, "gather", n*dim, clone(table), int32(vocab), int32(dim), clone(id), int32(n), out)
	ob := ref.Alloc(len(goodIds) * dim)
	ref.Gather(up(table), vocab, dim, up(goodIds), len(goodIds), ob)
	want, g := down(ob), 0
	for i, v := range id {
		row := out[i*dim : (i+1)*dim]
		if r := int(v); float32(r) == v && r >= 0 && r < vocab {
			agree(t, fmt.Sprintf("gather row of id %v", v), row, want[g*dim:(g+1)*dim], true)
			g++
			continue
		}
		for _, x := range row {
			if x == x {
				t.Fatalf("gather: the row of the invalid id %v holds %v, want NaN", v, x)
			}
		}
	}
	tb := up(table)
	ref.ScatterAdd(up(goodRows), up(goodIds), len(goodIds), tb, vocab, dim)
	got := clone(table)
	h.gridded(t, "scatter_add", dim, clone(dout), clone(id), int32(n), got, int32(vocab), int32(dim))
	agree(t, "scatter_add skipping invalid ids", got, down(tb), true)
}
