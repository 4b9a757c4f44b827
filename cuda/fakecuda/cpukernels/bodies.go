package cpukernels

import (
	"math"
	"unsafe"

	"genxai/cuda"
	"genxai/cuda/kernels"
	"genxai/engine"
	"genxai/engine/cpu"
)

// bodies are the Go bodies of the fixed kernels, by entry name; each reads
// the arguments in the order of the kernel's parameters in kernels.Table.
var bodies = map[string]func(k *call){
	"strided_copy": func(k *call) {
		var s engine.Strided
		for a := 0; a < engine.MaxDims; a++ {
			s.Dims[a], s.Src[a], s.Dst[a] = k.i32(2+a), k.i64(6+a), k.i64(10+a)
		}
		s.SrcOff, s.DstOff, s.Add = k.i64(14), k.i64(15), k.i32(16) != 0
		ns, nd := s.Extent()
		k.host.Strided(s, k.in(0, ns), k.out(1, nd))
	},
	"random_fill": func(k *call) {
		w := k.words(4, 4) // seed low, seed high, step low, step high
		key := engine.RandomKey{
			Seed:   uint64(w[0]) | uint64(w[1])<<32,
			Tensor: k.l.Uint32(3),
			Step:   uint64(w[2]) | uint64(w[3])<<32,
		}
		k.host.Random(engine.RandomKind(k.i32(2)), key, k.l.Float64(5), k.l.Float64(6), k.out(0, k.i64(1)))
	},
	"update_sgd": func(k *call) {
		n := k.i64(4)
		lr := k.l.Float32s(k.l.Ptr(7), 1)[0]
		u := engine.Update{Kind: engine.SGD, WeightDecay: float64(k.f32(5)), Momentum: float64(k.f32(6)), LR: float64(lr)}
		k.host.Update(u, k.out(0, n), k.in(1, n), k.out(2, n), nil, k.in(3, 1))
	},
	"update_adam": func(k *call) {
		n := k.i64(5)
		step := k.l.Float32s(k.l.Ptr(10), 3) // step size, sqrt_bc2, decay
		a := engine.AdamArgs{WD: k.f32(6), B1: k.f32(7), B2: k.f32(8), Eps: k.f32(9), StepSize: step[0],
			SqrtBC2: step[1], Decay: step[2], Decoupled: k.i32(11) != 0}
		engine.StepAdamArgs(a, data(k.out(0, n)), data(k.in(1, n)), data(k.out(2, n)), data(k.out(3, n)), data(k.in(4, 1))[0])
	},
	"running_stats": func(k *call) {
		c := k.i32(4)
		k.host.RunningStats(k.out(0, c), k.out(1, c), k.in(2, c), k.in(3, c), k.f32(5), k.i64(6))
	},
	"batch_norm": func(k *call) {
		n, c, s := k.i32(5), k.i32(6), k.i32(7)
		k.host.BatchNorm(k.in(0, n*c*s), k.in(1, c), k.in(2, c), k.in(3, c), k.in(4, c), n, c, s, k.f32(8),
			k.out(9, n*c*s), k.out(10, c))
	},
	"reduce_rows": func(k *call) {
		outer, axis := k.i32(2), k.i64(3)
		k.host.Reduce(engine.ReduceOp(k.i32(4)), k.in(0, outer*axis), outer, axis, 1, k.out(1, outer))
	},
	"reduce_cols": func(k *call) {
		outer, axis, inner := k.i32(2), k.i64(3), k.i64(4)
		k.host.Reduce(engine.ReduceOp(k.i32(5)), k.in(0, outer*axis*inner), outer, axis, inner, k.out(1, outer*inner))
	},
	"bn_stats": func(k *call) {
		n, c, s := k.i32(1), k.i32(2), k.i32(3)
		k.host.BatchNormStats(k.in(0, n*c*s), n, c, s, k.out(4, c), k.out(5, c))
	},
	"bn_grad": func(k *call) {
		n, c, s := k.i32(5), k.i32(6), k.i32(7)
		k.host.BatchNormGrad(k.in(0, n*c*s), k.in(1, n*c*s), k.in(2, c), k.in(3, c), k.in(4, c), n, c, s,
			k.out(8, n*c*s), k.out(9, c), k.out(10, c))
	},
	"clip_sumsq":  clipSumSq,
	"clip_finish": clipFinish,
	"softmax":     func(k *call) { rows(k, k.host.Softmax) },
	"log_softmax": func(k *call) { rows(k, k.host.LogSoftmax) },
	"softmax_grad": func(k *call) {
		rowsGrad(k, k.host.SoftmaxGrad)
	},
	"log_softmax_grad": func(k *call) {
		rowsGrad(k, k.host.LogSoftmaxGrad)
	},
	"layer_norm": func(k *call) {
		r, c := k.i32(3), k.i32(4)
		k.host.LayerNorm(k.in(0, r*c), k.in(1, c), k.in(2, c), r, c, k.f32(5), k.out(6, r*c), k.out(7, r), k.out(8, r))
	},
	"layer_norm_dx": func(k *call) { // LayerNormGrad's dx; its dγ and dβ are dropped
		r, c := k.i32(5), k.i32(6)
		k.host.LayerNormGrad(k.in(0, r*c), k.in(1, r*c), k.in(2, c), k.in(3, r), k.in(4, r), r, c, k.out(7, r*c),
			k.host.Alloc(c), k.host.Alloc(c))
	},
	"layer_norm_params": func(k *call) { // LayerNormGrad's dγ and dβ; its dx is dropped (γ does not enter them)
		r, c := k.i32(4), k.i32(5)
		k.host.LayerNormGrad(k.in(0, r*c), k.in(1, r*c), k.host.Alloc(c), k.in(2, r), k.in(3, r), r, c, k.host.Alloc(r*c),
			k.out(6, c), k.out(7, c))
	},
}

// data is a host buffer's slice.
func data(b engine.Buffer) []float32 { return cpu.Data(b) }

// rows runs a softmax: x, rows, cols, y.
func rows(k *call, f func(x engine.Buffer, rows, cols int, y engine.Buffer)) {
	r, c := k.i32(1), k.i32(2)
	f(k.in(0, r*c), r, c, k.out(3, r*c))
}

// rowsGrad runs a softmax gradient: y, dy, rows, cols, dx.
func rowsGrad(k *call, f func(y, dy engine.Buffer, rows, cols int, dx engine.Buffer)) {
	r, c := k.i32(2), k.i32(3)
	f(k.in(0, r*c), k.in(1, r*c), r, c, k.out(4, r*c))
}

// words reads n 64-bit words at pointer argument i.
func words(k *call, i, n int) []uint64 {
	if n == 0 {
		return nil
	}
	b := k.l.Bytes(k.l.Ptr(i), 8*n)
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n)
}

// clipSumSq writes the whole sum of squares into the first partial and
// zeros into the others: the kernel's contract (the partials add up to the
// sum) in the CPU backend's order, so the norm has its bits.
func clipSumSq(k *call) {
	nbuf := k.i32(2)
	ptrs, lens := words(k, 0, nbuf), words(k, 1, nbuf)
	var sq float64
	for b := range nbuf {
		if lens[b] == 0 {
			continue
		}
		for _, x := range k.l.Float32s(cuPtr(ptrs[b]), int(lens[b])) {
			sq += float64(x) * float64(x)
		}
	}
	part := words(k, 3, kernels.ClipBlocks)
	clear(part)
	part[0] = math.Float64bits(sq)
}

// clipFinish adds the partials in order and encodes the scale and norm.
func clipFinish(k *call) {
	var acc float64
	for _, w := range words(k, 0, k.i32(1)) {
		acc += math.Float64frombits(w)
	}
	norm := math.Sqrt(acc)
	out := k.out(3, engine.ClipValues)
	engine.EncodeClip(data(out), engine.ClipScale(norm, k.l.Float64(2)), norm)
}

// cuPtr is a device address read from a table.
func cuPtr(w uint64) cuda.DevicePtr { return cuda.DevicePtr(w) }
