//go:build cudacpu

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"genxai/engine"
	"genxai/engine/cpu"
)

// Each kernel on the CPU harness against engine/cpu on random shapes with
// odd sizes, in both thread orders: bit for bit where the operation order
// is engine/cpu's, else max|a−b|/max|a| ≤ relTol per tensor.

const relTol = 1e-5

var ref = cpu.New(cpu.Options{Workers: 1})

func up(x []float32) engine.Buffer {
	b := ref.Alloc(len(x))
	ref.Upload(b, x)
	return b
}

func down(b engine.Buffer) []float32 {
	x := make([]float32, b.Len())
	ref.Download(x, b)
	return x
}

func normals(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func clone(x []float32) []float32 { return append([]float32(nil), x...) }

// relErr is max|a−b| / max|want| over the elements (NaN where both are NaN
// counts as equal; a NaN or infinity on one side only is an infinite error).
func relErr(got, want []float32) float64 {
	var d, m float64
	for i := range want {
		a, b := float64(got[i]), float64(want[i])
		if a != a && b != b {
			continue
		}
		if a == b {
			if !math.IsInf(b, 0) {
				m = math.Max(m, math.Abs(b))
			}
			continue
		}
		if math.IsInf(a, 0) || math.IsInf(b, 0) || a != a || b != b {
			return math.Inf(1)
		}
		d, m = math.Max(d, math.Abs(a-b)), math.Max(m, math.Abs(b))
	}
	if d == 0 {
		return 0
	}
	return d / m
}

// agree checks got against want, bit for bit when exact; it returns the
// relative error.
func agree(t *testing.T, what string, got, want []float32, exact bool) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	if exact {
		if i := diffBits(got, want); i >= 0 {
			t.Fatalf("%s: element %d is %v (%08x), engine/cpu gives %v (%08x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
		return 0
	}
	e := relErr(got, want)
	if !(e <= relTol) {
		t.Fatalf("%s: relative error %.3g over %g", what, e, relTol)
	}
	return e
}

// worst tracks the largest relative error per kernel for the log.
type worst map[string]float64

func (w worst) note(k string, e float64) { w[k] = math.Max(w[k], e) }
func (w worst) log(t *testing.T) {
	for k, e := range w {
		t.Logf("%-18s worst relative error %.3g", k, e)
	}
}

func TestHarnessChains(t *testing.T) {
	h := startHarness(t)
	t.Logf("harness built by g++ in %v", h.BuildTime.Round(10*time.Millisecond))
	rng := rand.New(rand.NewPCG(1, 2))
	w := worst{}
	for _, c := range harnessChains() {
		exact := true
		for _, in := range c.Code {
			if in.Op == engine.OpExp || in.Op == engine.OpLog || in.Op == engine.OpTanh {
				exact = false // glibc's expf, logf, tanhf against chewxy/math32's
			}
		}
		for _, sh := range [][2]int{{1, 1}, {3, 17}, {17, 3}, {33, 41}} {
			rows, cols := sh[0], sh[1]
			n := rows * cols
			ins := make([][]float32, len(c.Inputs))
			bufs := make([]engine.Buffer, len(c.Inputs))
			args := []any{int64(n), int32(cols)}
			for i, b := range c.Inputs {
				ins[i] = normals(rng, b.Len(rows, cols))
				bufs[i] = up(ins[i])
				args = append(args, clone(ins[i]))
			}
			outs := make([]engine.Buffer, len(c.Outputs))
			for i := range outs {
				outs[i] = ref.Alloc(n)
				args = append(args, make([]float32, n))
			}
			ref.Elementwise(c, rows, cols, bufs, outs)
			h.both(t, ChainKernelName(c), Elements.Launch(n), args...)
			for i := range outs {
				what := fmt.Sprintf("chain %v %d×%d output %d", c.Code, rows, cols, i)
				w.note("chain", agree(t, what, args[2+len(ins)+i].([]float32), down(outs[i]), exact))
			}
		}
	}
	w.log(t)
}

func TestHarnessStrided(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var cases []engine.Strided
	tr, _ := engine.TransposeCopy([]int{3, 5, 7, 2}, []int{2, 0, 3, 1})
	cases = append(cases, tr)
	cc, _ := engine.ConcatCopy([]int{3, 5, 4}, 1, 2, 9)
	sl, _, _ := engine.SliceCopy([]int{4, 9, 3}, 1, 1, 8, 3)
	cases = append(cases, cc, sl, engine.RepeatCopy(5, 3, 7))
	add := tr
	add.Add = true
	cases = append(cases, add)
	for _, s := range cases {
		ns, nd := s.Extent()
		x, y := normals(rng, ns), normals(rng, nd)
		yb := up(y)
		ref.Strided(s, up(x), yb)
		got := clone(y)
		h.both(t, "strided_copy", Elements.Launch(s.Len()), clone(x), got,
			int32(s.Dims[0]), int32(s.Dims[1]), int32(s.Dims[2]), int32(s.Dims[3]),
			int64(s.Src[0]), int64(s.Src[1]), int64(s.Src[2]), int64(s.Src[3]),
			int64(s.Dst[0]), int64(s.Dst[1]), int64(s.Dst[2]), int64(s.Dst[3]),
			int64(s.SrcOff), int64(s.DstOff), int32(map[bool]int{false: 0, true: 1}[s.Add]))
		agree(t, fmt.Sprintf("strided %+v", s), got, down(yb), true)
	}
}

func TestHarnessReduce(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sh := range [][3]int{{1, 1, 1}, {3, 17, 1}, {2, 2500, 1}, {5, 3, 7}, {2, 2100, 33}, {3, 127, 40}} {
		outer, axis, inner := sh[0], sh[1], sh[2]
		x := normals(rng, outer*axis*inner)
		for op := engine.ReduceSum; op <= engine.ReduceMax; op++ {
			yb := ref.Alloc(outer * inner)
			ref.Reduce(op, up(x), outer, axis, inner, yb)
			got := make([]float32, outer*inner)
			if inner == 1 {
				h.both(t, "reduce_rows", Rows.Launch(outer), clone(x), got, int32(outer), int64(axis), int32(op))
			} else {
				h.both(t, "reduce_cols", Columns32.Launch(outer, inner), clone(x), got, int32(outer), int64(axis), int64(inner), int32(op))
			}
			agree(t, fmt.Sprintf("reduce op %d over %v", op, sh), got, down(yb), true)
		}
	}
}

func TestHarnessSoftmax(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(7, 8))
	w := worst{}
	for _, sh := range [][2]int{{1, 1}, {3, 17}, {9, 127}, {2, 2100}, {40, 10}} {
		rows, cols := sh[0], sh[1]
		n := rows * cols
		x, dy := normals(rng, n), normals(rng, n)
		for _, k := range []struct {
			name string
			fwd  func(x engine.Buffer, rows, cols int, y engine.Buffer)
			grad func(y, dy engine.Buffer, rows, cols int, dx engine.Buffer)
		}{{"softmax", ref.Softmax, ref.SoftmaxGrad}, {"log_softmax", ref.LogSoftmax, ref.LogSoftmaxGrad}} {
			yb := ref.Alloc(n)
			k.fwd(up(x), rows, cols, yb)
			y := make([]float32, n)
			h.both(t, k.name, Rows.Launch(rows), clone(x), int32(rows), int32(cols), y)
			want := down(yb)
			w.note(k.name, agree(t, fmt.Sprintf("%s %v", k.name, sh), y, want, false))
			dxb := ref.Alloc(n)
			k.grad(yb, up(dy), rows, cols, dxb)
			dx := make([]float32, n)
			h.both(t, k.name+"_grad", Rows.Launch(rows), want, clone(dy), int32(rows), int32(cols), dx)
			w.note(k.name+"_grad", agree(t, fmt.Sprintf("%s_grad %v", k.name, sh), dx, down(dxb), false))
		}
	}
	w.log(t)
}

func TestHarnessLayerNorm(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(9, 10))
	w := worst{}
	for _, sh := range [][2]int{{1, 1}, {3, 17}, {9, 127}, {2, 700}, {1500, 3}} {
		rows, cols := sh[0], sh[1]
		n := rows * cols
		x, dy, gamma, beta := normals(rng, n), normals(rng, n), normals(rng, cols), normals(rng, cols)
		dg0, db0 := normals(rng, cols), normals(rng, cols)
		yb, mb, rb := ref.Alloc(n), ref.Alloc(rows), ref.Alloc(rows)
		ref.LayerNorm(up(x), up(gamma), up(beta), rows, cols, 1e-5, yb, mb, rb)
		y, mean, rstd := make([]float32, n), make([]float32, rows), make([]float32, rows)
		h.both(t, "layer_norm", Rows.Launch(rows), clone(x), clone(gamma), clone(beta), int32(rows), int32(cols), float32(1e-5), y, mean, rstd)
		w.note("layer_norm", agree(t, fmt.Sprintf("layer_norm y %v", sh), y, down(yb), false))
		w.note("layer_norm", agree(t, fmt.Sprintf("layer_norm mean %v", sh), mean, down(mb), false))
		w.note("layer_norm", agree(t, fmt.Sprintf("layer_norm rstd %v", sh), rstd, down(rb), false))
		// The gradient from engine/cpu's saved statistics on both sides.
		cm, cr := down(mb), down(rb)
		dxb, dgb, dbb := ref.Alloc(n), up(dg0), up(db0)
		ref.LayerNormGrad(up(dy), up(x), up(gamma), mb, rb, rows, cols, dxb, dgb, dbb)
		dx := make([]float32, n)
		h.both(t, "layer_norm_dx", Rows.Launch(rows), clone(dy), clone(x), clone(gamma), cm, cr, int32(rows), int32(cols), dx)
		w.note("layer_norm_dx", agree(t, fmt.Sprintf("layer_norm_dx %v", sh), dx, down(dxb), false))
		dg, db := clone(dg0), clone(db0)
		h.both(t, "layer_norm_params", Elements.Launch(cols), clone(dy), clone(x), cm, cr, int32(rows), int32(cols), dg, db)
		agree(t, fmt.Sprintf("layer_norm dgamma %v", sh), dg, down(dgb), true)
		agree(t, fmt.Sprintf("layer_norm dbeta %v", sh), db, down(dbb), true)
	}
	w.log(t)
}

func TestHarnessBatchNorm(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sh := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 3, 1}, {2, 3, 700}, {1100, 2, 1}} {
		n, c, s := sh[0], sh[1], sh[2]
		size := n * c * s
		x, dy, gamma, beta := normals(rng, size), normals(rng, size), normals(rng, c), normals(rng, c)
		dg0, db0 := normals(rng, c), normals(rng, c)
		mb, vb := ref.Alloc(c), ref.Alloc(c)
		ref.BatchNormStats(up(x), n, c, s, mb, vb)
		mean, vr := make([]float32, c), make([]float32, c)
		h.both(t, "bn_stats", Rows.Launch(c), clone(x), int32(n), int32(c), int32(s), mean, vr)
		agree(t, fmt.Sprintf("bn_stats mean %v", sh), mean, down(mb), true)
		agree(t, fmt.Sprintf("bn_stats var %v", sh), vr, down(vb), true)
		yb, rb := ref.Alloc(size), ref.Alloc(c)
		ref.BatchNorm(up(x), mb, vb, up(gamma), up(beta), n, c, s, 1e-5, yb, rb)
		y, rstd := make([]float32, size), make([]float32, c)
		h.both(t, "batch_norm", Elements.Launch(size), clone(x), mean, vr, clone(gamma), clone(beta), int32(n), int32(c), int32(s), float32(1e-5), y, rstd)
		agree(t, fmt.Sprintf("batch_norm y %v", sh), y, down(yb), true)
		agree(t, fmt.Sprintf("batch_norm rstd %v", sh), rstd, down(rb), true)
		dxb, dgb, dbb := ref.Alloc(size), up(dg0), up(db0)
		ref.BatchNormGrad(up(dy), up(x), mb, rb, up(gamma), n, c, s, dxb, dgb, dbb)
		dx, dg, db := make([]float32, size), clone(dg0), clone(db0)
		h.both(t, "bn_grad", Rows.Launch(c), clone(dy), clone(x), mean, rstd, clone(gamma), int32(n), int32(c), int32(s), dx, dg, db)
		agree(t, fmt.Sprintf("bn_grad dx %v", sh), dx, down(dxb), true)
		agree(t, fmt.Sprintf("bn_grad dgamma %v", sh), dg, down(dgb), true)
		agree(t, fmt.Sprintf("bn_grad dbeta %v", sh), db, down(dbb), true)
		rm0, rv0 := normals(rng, c), normals(rng, c)
		rmb, rvb := up(rm0), up(rv0)
		ref.RunningStats(rmb, rvb, mb, vb, 0.1, n*s)
		rm, rv := clone(rm0), clone(rv0)
		h.both(t, "running_stats", Elements.Launch(c), rm, rv, mean, vr, int32(c), float32(0.1), int64(n*s))
		agree(t, fmt.Sprintf("running mean %v", sh), rm, down(rmb), true)
		agree(t, fmt.Sprintf("running var %v", sh), rv, down(rvb), true)
	}
}

func TestHarnessRandom(t *testing.T) {
	h := startHarness(t)
	normalSame, normalAll := 0, 0
	var normalErr float64
	for _, n := range []int{1, 3, 17, 1001, 20000} {
		for kind := engine.Uniform; kind <= engine.Dropout; kind++ {
			k := engine.RandomKey{Seed: 0x1234_5678_9abc_def0 + uint64(n), Step: 1<<33 + 7, Tensor: uint32(kind) + 3}
			a, b := map[engine.RandomKind][2]float64{engine.Uniform: {-2, 3}, engine.Normal: {0.5, 2}, engine.Dropout: {0.3, 0}}[kind][0],
				map[engine.RandomKind][2]float64{engine.Uniform: {-2, 3}, engine.Normal: {0.5, 2}, engine.Dropout: {0.3, 0}}[kind][1]
			ob := ref.Alloc(n)
			ref.Random(kind, k, a, b, ob)
			got := make([]float32, n)
			key := []float32{math.Float32frombits(uint32(k.Seed)), math.Float32frombits(uint32(k.Seed >> 32)),
				math.Float32frombits(uint32(k.Step)), math.Float32frombits(uint32(k.Step >> 32))}
			h.both(t, "random_fill", Elements.Launch((n+3)/4), got, int64(n), int32(kind), k.Tensor, key, a, b)
			want := down(ob)
			if kind != engine.Normal {
				agree(t, fmt.Sprintf("random kind %d n %d", kind, n), got, want, true)
				continue
			}
			normalErr = math.Max(normalErr, agree(t, fmt.Sprintf("normal n %d", n), got, want, false))
			for i := range got {
				normalAll++
				if got[i] == want[i] {
					normalSame++
				}
			}
		}
	}
	t.Logf("normal: %d of %d values bit-identical to Go's math (glibc log/sqrt/cos/sin in double), worst relative error %.3g",
		normalSame, normalAll, normalErr)
}

func TestHarnessClip(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(13, 14))
	grads := [][]float32{normals(rng, 1), normals(rng, 17), normals(rng, 3000), normals(rng, 5)}
	lens := make([]int64, len(grads))
	bufs := make([]engine.Buffer, len(grads))
	for i, g := range grads {
		lens[i], bufs[i] = int64(len(g)), up(g)
	}
	for _, maxNorm := range []float64{0, 1, 1e9} {
		ob := ref.Alloc(engine.ClipValues)
		ref.ClipScale(bufs, maxNorm, ob)
		partial := make([]float64, ClipBlocks)
		h.both(t, "clip_sumsq", ClipGrid.Launch(), grads, lens, int32(len(grads)), partial)
		out := make([]float32, engine.ClipValues)
		h.both(t, "clip_finish", OneWarp.Launch(), partial, int32(ClipBlocks), maxNorm, out)
		scale, norm := engine.DecodeClip(out)
		wantScale, wantNorm := engine.DecodeClip(down(ob))
		if math.Abs(norm-wantNorm) > 1e-12*wantNorm {
			t.Fatalf("clip norm %v, engine/cpu %v", norm, wantNorm)
		}
		agree(t, fmt.Sprintf("clip scale (max norm %v)", maxNorm), []float32{scale}, []float32{wantScale}, false)
	}
}

func TestHarnessUpdate(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{1, 17, 1000} {
		for _, u := range []engine.Update{
			{Kind: engine.SGD, LR: 0.1, WeightDecay: 1e-3},
			{Kind: engine.SGD, LR: 0.1, Momentum: 0.9, WeightDecay: 1e-3},
			{Kind: engine.Adam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2, Step: 3},
			{Kind: engine.AdamW, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2, Step: 7, Decay: true},
		} {
			w0, g, m0, v0 := normals(rng, n), normals(rng, n), normals(rng, n), normals(rng, n)
			for i := range v0 {
				v0[i] *= v0[i]
			}
			scale := []float32{0.7}
			wb, mb, vb := up(w0), up(m0), up(v0)
			ref.Update(u, wb, up(g), mb, vb, up(scale))
			w, m, v := clone(w0), clone(m0), clone(v0)
			if u.Kind == engine.SGD {
				h.both(t, "update_sgd", Elements.Launch(n), w, clone(g), m, scale, int64(n), float32(u.WeightDecay), float32(u.Momentum), []float32{float32(u.LR)})
			} else {
				ss, bc2, decay := u.Factors()
				h.both(t, "update_adam", Elements.Launch(n), w, clone(g), m, v, scale, int64(n), float32(u.WeightDecay), float32(u.Beta1),
					float32(u.Beta2), float32(u.Eps), []float32{ss, bc2, decay}, int32(map[bool]int{false: 0, true: 1}[u.Kind == engine.AdamW]))
				agree(t, fmt.Sprintf("update %+v v", u), v, down(vb), true)
			}
			agree(t, fmt.Sprintf("update %+v w", u), w, down(wb), true)
			agree(t, fmt.Sprintf("update %+v m", u), m, down(mb), true)
		}
	}
}

func TestHarnessGemm(t *testing.T) {
	h := startHarness(t)
	rng := rand.New(rand.NewPCG(17, 18))
	var worstErr float64
	for _, mnk := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 33, 20}, {40, 17, 65}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, beta := range []float32{0, 0.5} {
					for _, batch := range []int{1, 3} {
						s := engine.GemmShape{TransA: ta, TransB: tb, M: mnk[0], N: mnk[1], K: mnk[2], Alpha: 1.5, Beta: beta}
						la, lb, lc := s.Sizes()
						strideB := lb
						if batch > 1 {
							strideB = 0 // one B for every product
						}
						a, b, c := normals(rng, batch*la), normals(rng, lb*max(1, batch*min(1, strideB))), normals(rng, batch*lc)
						if beta == 0 {
							c[0] = float32(math.NaN()) // ignored when beta is 0
						}
						cb := up(c)
						ref.GemmBatched(s, batch, up(a), la, up(b), strideB, cb, lc)
						got := clone(c)
						h.both(t, "gemm", Tiles16.Launch(s.M, s.N, batch), int32(map[bool]int{false: 0, true: 1}[ta]),
							int32(map[bool]int{false: 0, true: 1}[tb]), int32(s.M), int32(s.N), int32(s.K), s.Alpha,
							clone(a), int64(la), clone(b), int64(strideB), s.Beta, got, int64(lc))
						worstErr = math.Max(worstErr, agree(t, fmt.Sprintf("gemm %+v batch %d", s, batch), got, down(cb), false))
					}
				}
			}
		}
	}
	t.Logf("gemm worst relative error against engine/cpu's BLAS %.3g", worstErr)
}
