package cuda

import (
	"genxai/engine"
	"genxai/engine/cpu"
)

// The layers of convolutional and sequence models (Im2col, Col2im, the
// pooling, the upsampling, Gather and ScatterAdd) run, for now, on the host:
// each call downloads its operands, runs engine/cpu's kernel on them and
// uploads its outputs. This is the interim path until the CUDA kernels of
// these layers (cuda/kernels' conv, pool and gather units, being written)
// are launched here: correct and the CPU backend's bits, but it waits for
// the stream at every such call and cannot be captured into a CUDA graph.

// stagedArg is one operand of a host-staged layer: read from the device
// before the host kernel, written back after it, or both (accumulation).
type stagedArg struct {
	x           engine.Buffer
	read, write bool
}

func rd(x engine.Buffer) stagedArg { return stagedArg{x: x, read: true} }
func wr(x engine.Buffer) stagedArg { return stagedArg{x: x, write: true} }
func rw(x engine.Buffer) stagedArg { return stagedArg{x: x, read: true, write: true} }

// staged runs a host kernel over copies of args on b.host.
func (b *Backend) staged(what string, run func(h []engine.Buffer), args ...stagedArg) {
	hs := make([]engine.Buffer, len(args))
	for i, a := range args {
		b.ptr(what, a.x, -1)
		hs[i] = b.host.Alloc(a.x.Len())
		if a.read && !b.failed() {
			b.fail(b.Download(cpu.Data(hs[i]), a.x))
		}
	}
	if b.failed() {
		return
	}
	run(hs)
	for i, a := range args {
		if a.write {
			b.Upload(a.x, cpu.Data(hs[i]))
		}
	}
}

// Im2col writes the patches of x on the host (see the note above).
func (b *Backend) Im2col(s engine.ConvShape, x, cols engine.Buffer) {
	b.staged("Im2col", func(h []engine.Buffer) { b.host.Im2col(s, h[0], h[1]) }, rd(x), wr(cols))
}

// Col2im adds the patches onto x on the host.
func (b *Backend) Col2im(s engine.ConvShape, cols, x engine.Buffer) {
	b.staged("Col2im", func(h []engine.Buffer) { b.host.Col2im(s, h[0], h[1]) }, rd(cols), rw(x))
}

// MaxPool2D pools on the host.
func (b *Backend) MaxPool2D(x engine.Buffer, planes, h, w, k int, y engine.Buffer) {
	b.staged("MaxPool2D", func(hb []engine.Buffer) { b.host.MaxPool2D(hb[0], planes, h, w, k, hb[1]) }, rd(x), wr(y))
}

// MaxPool2DGrad routes the pooling's gradient on the host.
func (b *Backend) MaxPool2DGrad(x, y, dy engine.Buffer, planes, h, w, k int, dx engine.Buffer) {
	b.staged("MaxPool2DGrad", func(hb []engine.Buffer) { b.host.MaxPool2DGrad(hb[0], hb[1], hb[2], planes, h, w, k, hb[3]) },
		rd(x), rd(y), rd(dy), wr(dx))
}

// Upsample repeats pixels on the host.
func (b *Backend) Upsample(x engine.Buffer, planes, h, w, k int, y engine.Buffer) {
	b.staged("Upsample", func(hb []engine.Buffer) { b.host.Upsample(hb[0], planes, h, w, k, hb[1]) }, rd(x), wr(y))
}

// UpsampleGrad sums the blocks on the host.
func (b *Backend) UpsampleGrad(dy engine.Buffer, planes, h, w, k int, dx engine.Buffer) {
	b.staged("UpsampleGrad", func(hb []engine.Buffer) { b.host.UpsampleGrad(hb[0], planes, h, w, k, hb[1]) }, rd(dy), wr(dx))
}

// Gather copies table rows on the host.
func (b *Backend) Gather(table engine.Buffer, vocab, dim int, ids engine.Buffer, n int, dst engine.Buffer) {
	b.staged("Gather", func(h []engine.Buffer) { b.host.Gather(h[0], vocab, dim, h[1], n, h[2]) }, rd(table), rd(ids), wr(dst))
}

// ScatterAdd accumulates rows into the table on the host.
func (b *Backend) ScatterAdd(dout engine.Buffer, ids engine.Buffer, n int, table engine.Buffer, vocab, dim int) {
	b.staged("ScatterAdd", func(h []engine.Buffer) { b.host.ScatterAdd(h[0], h[1], n, h[2], vocab, dim) }, rd(dout), rd(ids), rw(table))
}
