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
// and lengths (uploaded the first time a list is seen, so a plan's steps
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

// clipScratch is ClipScale's device memory: the tables of gradient
// addresses then lengths, one per distinct list of gradients (a GAN's
// discriminator and generator plans each have theirs), and the partial
// sums. A table is never overwritten or freed before the backend closes:
// a captured step's graph keeps reading the table it was captured with,
// whatever other plans clip in between.
type clipScratch struct {
	partial DevicePtr
	tables  []clipTable
	next    []uint64 // the call's table (fill), reused
}

// clipTable is one uploaded table and its content.
type clipTable struct {
	content []uint64
	dev     DevicePtr
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

// prepare finds table among the uploaded ones, or uploads it (which a
// captured or replayed step cannot hold: the step is left), and returns the
// device addresses of its pointer and length halves and of the partials.
func (c *clipScratch) prepare(b *Backend, table []uint64) (ptrs, lens, partial DevicePtr, err error) {
	if c.partial == 0 {
		if c.partial, err = b.ctx.Alloc(8 * kernels.ClipBlocks); err != nil {
			return 0, 0, 0, err
		}
	}
	if len(table) == 0 {
		return 0, 0, c.partial, nil
	}
	half := DevicePtr(4 * len(table))
	for _, t := range c.tables {
		if slices.Equal(t.content, table) {
			return t.dev, t.dev + half, c.partial, nil
		}
	}
	b.leaveStep("a new gradient table")
	if b.cur.mode == stepAbandoned {
		return 0, 0, 0, nil
	}
	dev, err := b.ctx.Alloc(8 * len(table))
	if err != nil {
		return 0, 0, 0, err
	}
	c.tables = append(c.tables, clipTable{content: slices.Clone(table), dev: dev})
	slot, err := b.stage.take(b.ctx, b.stream, 8*len(table))
	if err != nil {
		return 0, 0, 0, err
	}
	copy(unsafe.Slice((*uint64)(unsafe.Pointer(&slot[0])), len(table)), table)
	if err = b.ctx.CopyHtoD(dev, slot, b.stream); err != nil {
		return 0, 0, 0, err
	}
	return dev, dev + half, c.partial, nil
}

// free releases the scratch memory.
func (c *clipScratch) free(ctx Context) error {
	var errs []error
	for _, t := range c.tables {
		errs = append(errs, ctx.Free(t.dev))
	}
	if c.partial != 0 {
		errs = append(errs, ctx.Free(c.partial))
	}
	c.partial, c.tables, c.next = 0, nil, nil
	return errJoin(errs...)
}
