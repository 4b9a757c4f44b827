package cuda

import (
	"fmt"
	"math"
	"slices"
	"unsafe"

	"genxai/cuda/kernels"
	"genxai/engine"
)

// Random runs random_fill, one thread per Philox block of four values, with
// the key and counter of engine.RandomKey, so the values are the CPU
// backend's. The key's seed and step words are the call's per-step scalars
// (read from device memory, so a captured step sees each step's key).
func (b *Backend) Random(kind engine.RandomKind, k engine.RandomKey, a, bb float64, out engine.Buffer) {
	if kind > engine.Dropout {
		panic(fmt.Sprintf("cuda: Random: unknown kind %d", kind))
	}
	n := out.Len()
	po := b.ptr("Random out", out, n)
	if n == 0 {
		return
	}
	key := b.scalars([stepWords]uint32{uint32(k.Seed), uint32(k.Seed >> 32), uint32(k.Step), uint32(k.Step >> 32)})
	if c, ok := b.fixed("random_fill", (n+3)/4); ok {
		c.with(po, int64(n), int32(kind), k.Tensor, key, a, bb)
	}
}

// Update runs update_sgd or update_adam over the parameter; the learning
// rate (SGD) or the step size, √(1−β₂ᵗ) and decay (Adam, engine.Update's
// Factors) are the call's per-step scalars, read from device memory.
func (b *Backend) Update(u engine.Update, w, g, m, v, scale engine.Buffer) {
	n := w.Len()
	pw, pg, pm := b.ptr("Update w", w, n), b.ptr("Update g", g, n), b.ptr("Update m", m, n)
	ps := b.ptr("Update scale", scale, -1)
	if u.Kind > engine.SGD {
		panic(fmt.Sprintf("cuda: Update: unknown optimizer %d", u.Kind))
	}
	var pv DevicePtr
	if u.Kind != engine.SGD {
		pv = b.ptr("Update v", v, n)
	}
	if n == 0 {
		return
	}
	f := math.Float32bits
	switch u.Kind {
	case engine.SGD:
		step := b.scalars([stepWords]uint32{f(float32(u.LR))})
		if k, ok := b.fixed("update_sgd", n); ok {
			k.with(pw, pg, pm, ps, int64(n), float32(u.WeightDecay), float32(u.Momentum), step)
		}
	case engine.Adam, engine.AdamW:
		a := u.AdamArgs()
		step := b.scalars([stepWords]uint32{f(a.StepSize), f(a.SqrtBC2), f(a.Decay)})
		if k, ok := b.fixed("update_adam", n); ok {
			dec := int32(0)
			if a.Decoupled {
				dec = 1
			}
			k.with(pw, pg, pm, pv, ps, int64(n), a.WD, a.B1, a.B2, a.Eps, step, dec)
		}
	}
}

// ClipScale runs clip_sumsq over a device table of the gradients' addresses
// and lengths (uploaded only when the list changes, so a plan's steps
// upload it once) into kernels.ClipBlocks partial sums, then clip_finish.
func (b *Backend) ClipScale(grads []engine.Buffer, maxNorm float64, out engine.Buffer) {
	po := b.ptr("ClipScale out", out, engine.ClipValues)
	table := b.clip.fill(b, grads)
	if b.failed() {
		return
	}
	pt, pl, pp, err := b.clip.prepare(b, table)
	if b.fail(err) {
		return
	}
	if k, ok := b.fixed("clip_sumsq"); ok {
		k.with(pt, pl, int32(len(grads)), pp)
	}
	if k, ok := b.fixed("clip_finish"); ok {
		k.with(pp, int32(kernels.ClipBlocks), maxNorm, po)
	}
}

// clipScratch is ClipScale's device memory: the table of gradient
// addresses then lengths, and the partial sums.
type clipScratch struct {
	table, partial DevicePtr
	cap            int      // uint64 slots of table
	last           []uint64 // the table's content
	next           []uint64 // the call's table (fill), reused
}

// fill returns the table of grads (addresses, then lengths) in memory the
// scratch reuses, after checking that each is a buffer of b.
func (c *clipScratch) fill(b *Backend, grads []engine.Buffer) []uint64 {
	c.next = slices.Grow(c.next[:0], 2*len(grads))[:2*len(grads)]
	for i, g := range grads {
		c.next[i] = uint64(b.ptrAt("ClipScale", "gradient", i, g, -1))
		c.next[len(grads)+i] = uint64(g.Len())
	}
	return c.next
}

// prepare uploads table if it differs from the last one and returns the
// device addresses of the pointer and length halves and of the partials.
func (c *clipScratch) prepare(b *Backend, table []uint64) (ptrs, lens, partial DevicePtr, err error) {
	if c.partial == 0 {
		if c.partial, err = b.ctx.Alloc(8 * kernels.ClipBlocks); err != nil {
			return 0, 0, 0, err
		}
	}
	if len(table) == 0 {
		return 0, 0, c.partial, nil
	}
	if !slices.Equal(table, c.last) {
		b.leaveStep("a new gradient table")
		if b.cur.mode == stepAbandoned {
			return 0, 0, 0, nil
		}
		if len(table) > c.cap {
			if c.table != 0 {
				if err = b.ctx.Free(c.table); err != nil {
					return 0, 0, 0, err
				}
				c.table, c.cap = 0, 0
			}
			if c.table, err = b.ctx.Alloc(8 * len(table)); err != nil {
				return 0, 0, 0, err
			}
			c.cap = len(table)
		}
		slot, err := b.stage.take(b.ctx, b.stream, 8*len(table))
		if err != nil {
			return 0, 0, 0, err
		}
		copy(unsafe.Slice((*uint64)(unsafe.Pointer(&slot[0])), len(table)), table)
		if err = b.ctx.CopyHtoD(c.table, slot, b.stream); err != nil {
			return 0, 0, 0, err
		}
		c.last = append(c.last[:0], table...)
	}
	half := DevicePtr(4 * len(table))
	return c.table, c.table + half, c.partial, nil
}

// free releases the scratch memory.
func (c *clipScratch) free(ctx Context) error {
	var errs []error
	for _, p := range []*DevicePtr{&c.table, &c.partial} {
		if *p != 0 {
			errs = append(errs, ctx.Free(*p))
			*p = 0
		}
	}
	c.cap, c.last, c.next = 0, nil, nil
	return errJoin(errs...)
}
