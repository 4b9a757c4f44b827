package cuda

import (
	"fmt"

	"genxai/engine"
)

// buffer is n float32 values in one device allocation (p is 0 when n is 0:
// the driver allocates no empty buffers).
type buffer struct {
	p  DevicePtr
	n  int
	be *Backend
}

// Len is the number of values.
func (x *buffer) Len() int { return x.n }

// ptr returns the device address of a buffer of this backend after checking
// that it holds want values (want < 0: any length); what names the kernel
// and operand for the panic.
func (b *Backend) ptr(what string, x engine.Buffer, want int) DevicePtr {
	return b.ptrAt(what, "", -1, x, want)
}

// ptrAt is ptr for an operand named by parts: the kernel op, then role
// when not "", then index when not negative ("Elementwise input 2"). The
// name is put together only when the check fails, so a call checks its
// operands without allocating.
func (b *Backend) ptrAt(op, role string, index int, x engine.Buffer, want int) DevicePtr {
	bb, ok := x.(*buffer)
	if ok && bb.be == b && (want < 0 || bb.n == want) {
		return bb.p
	}
	what := op
	if role != "" {
		what += " " + role
	}
	if index >= 0 {
		what += fmt.Sprintf(" %d", index)
	}
	if !ok || bb.be != b {
		panic(fmt.Sprintf("cuda: %s: a %T is not a buffer of this CUDA backend", what, x))
	}
	panic(fmt.Sprintf("cuda: %s: buffer of %d values where the shape needs %d", what, bb.n, want))
}

// Alloc returns a buffer of n zeros (a device allocation cleared on the
// stream, so the zeros are in place before any later kernel runs).
func (b *Backend) Alloc(n int) engine.Buffer {
	if n < 0 {
		panic(fmt.Sprintf("cuda: Alloc(%d): negative length", n))
	}
	b.leaveStep("an allocation")
	x := &buffer{n: n, be: b}
	b.live[x] = struct{}{}
	if n == 0 || b.failed() {
		return x
	}
	p, err := b.ctx.Alloc(4 * n)
	if b.fail(err) {
		return x
	}
	x.p = p
	b.fail(b.ctx.MemsetD32(p, 0, n, b.stream))
	return x
}

// Free releases x's device memory. A free on the driver synchronises the
// device, so plans free their buffers only when they are done.
func (b *Backend) Free(x engine.Buffer) {
	b.ptr("Free", x, -1)
	b.leaveStep("a free")
	b.fail(b.release(x.(*buffer)))
}

func (b *Backend) release(x *buffer) error {
	delete(b.live, x)
	p := x.p
	x.p, x.n = 0, 0
	if p == 0 {
		return nil
	}
	return b.ctx.Free(p)
}

// Live is the number of buffers allocated and not yet freed.
func (b *Backend) Live() int { return len(b.live) }

// Copy copies src into dst on the stream.
func (b *Backend) Copy(dst, src engine.Buffer) {
	s := b.ptr("Copy src", src, -1)
	d := b.ptr("Copy dst", dst, src.Len())
	if src.Len() == 0 || !b.issue("copy") {
		return
	}
	b.fail(b.ctx.CopyDtoD(d, s, 4*src.Len(), b.stream))
}

// Upload copies src into dst: src is copied into the pinned staging ring at
// once (the caller may change it when Upload returns) and from there to the
// device on the stream. Inside a captured or replayed step the pinned
// memory is the upload's fixed slot, which the graph copies from.
func (b *Backend) Upload(dst engine.Buffer, src []float32) {
	p := b.ptr("Upload", dst, len(src))
	if len(src) == 0 || b.failed() {
		return
	}
	switch b.cur.mode {
	case stepAbandoned:
		return
	case stepCapture, stepReplay:
		if slot := b.stepUploadSlot(p, 4*len(src)); slot != nil {
			copy(BytesFloat32(slot), src)
			if b.cur.mode == stepCapture {
				b.fail(b.ctx.CopyHtoD(p, slot, b.stream))
			}
		}
		return
	case stepWarm:
		b.recordUpload(p, 4*len(src))
	}
	slot, ok := b.slot(len(src))
	if !ok {
		return
	}
	copy(BytesFloat32(slot), src)
	b.fail(b.ctx.CopyHtoD(p, slot, b.stream))
}

// Download waits for the work queued before it and copies src into dst
// through the staging ring; it returns the first error of the backend.
func (b *Backend) Download(dst []float32, src engine.Buffer) error {
	p := b.ptr("Download", src, len(dst))
	b.leaveStep("a read back")
	if b.failed() {
		return b.err
	}
	if len(dst) == 0 {
		return b.Sync()
	}
	slot, ok := b.slot(len(dst))
	if !ok {
		return b.err
	}
	if b.fail(b.ctx.CopyDtoH(slot, p, b.stream)) || b.Sync() != nil {
		return b.err
	}
	copy(dst, BytesFloat32(slot))
	return nil
}

// slot returns n values of the staging ring that no queued copy still
// reads or writes, waiting for the stream when the ring is full.
func (b *Backend) slot(n int) ([]byte, bool) {
	b.leaveStep("a copy through the staging ring")
	if b.cur.mode == stepAbandoned {
		return nil, false
	}
	s, err := b.stage.take(b.ctx, b.stream, 4*n)
	return s, !b.fail(err)
}

// staging is a ring of pinned host memory for the copies between host and
// device: each copy takes the next free bytes, and when they run out the
// host waits for the stream (after which every earlier copy is done) and
// starts again at the front; a ring too small for a copy is replaced by one
// twice the size needed. Pinned memory is what makes the copies
// asynchronous (and what a captured graph may copy from).
type staging struct {
	mem []byte
	off int
}

// stagingMin is the smallest ring (1 MiB).
const stagingMin = 1 << 20

// take returns bytes of the ring (rounded up to 256-byte alignment).
func (s *staging) take(ctx Context, stream Stream, bytes int) ([]byte, error) {
	need := (bytes + 255) &^ 255
	if s.off+need > len(s.mem) {
		if err := ctx.SyncStream(stream); err != nil {
			return nil, err
		}
		s.off = 0
		if need > len(s.mem) {
			if err := s.free(ctx); err != nil {
				return nil, err
			}
			mem, err := ctx.AllocHost(max(2*need, stagingMin))
			if err != nil {
				return nil, err
			}
			s.mem = mem
		}
	}
	out := s.mem[s.off : s.off+bytes : s.off+bytes]
	s.off += need
	return out, nil
}

// reset marks the ring free again (the stream has just been waited for).
func (s *staging) reset() { s.off = 0 }

// free returns the ring's memory.
func (s *staging) free(ctx Context) error {
	if s.mem == nil {
		return nil
	}
	err := ctx.FreeHost(s.mem)
	s.mem, s.off = nil, 0
	return err
}
