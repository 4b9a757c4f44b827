package fakecuda

import (
	"bytes"
	"fmt"
	"unsafe"

	"genxai/cuda"
)

// stream is a queue of ops that runs when the host waits for it.
type stream struct {
	id      int
	queue   []*op
	capture *capture // non-nil while capturing
}

// span is a range of device memory an op touches.
type span struct {
	p     cuda.DevicePtr
	n     int
	write bool
}

// overlaps reports whether two spans conflict: they share a byte and at
// least one writes.
func (a span) overlaps(b span) bool {
	return (a.write || b.write) && a.p < b.p+cuda.DevicePtr(b.n) && b.p < a.p+cuda.DevicePtr(a.n)
}

// op is one piece of queued or captured work.
type op struct {
	call  string       // the driver call that queued it
	what  string       // what it does, for messages and the trace
	spans []span       // device memory it touches
	hosts [][]byte     // host memory it reads or writes
	src   []byte       // host memory a host-to-device copy reads (also in hosts)
	dst   []byte       // host memory a device-to-host copy writes (also in hosts)
	snap  []byte       // src as it was when the copy was queued (pinned src only)
	run   func() error // does the work at run time
	event *event       // set for an event record
	live  func() error // optional: whether what it runs still exists
}

// fault is what a kernel's memory accessors panic with on a bad access.
type fault struct{ msg string }

// runOp does o's work, advancing the virtual clock. A failure makes the
// context's error sticky and drops all queued work, as a device fault does.
func (f *Fake) runOp(s *stream, o *op) (err error) {
	defer func() {
		if r := recover(); r != nil {
			code := cuda.ErrorLaunchFailed
			if ft, ok := r.(fault); ok {
				code, r = cuda.ErrorIllegalAddress, ft.msg
			}
			err = cuda.Errorf(o.call, code, "fakecuda: %s on stream %d: %v", o.what, s.id, r)
		}
		if err != nil {
			f.sticky = err
			for _, t := range f.streams {
				t.queue = nil
			}
		}
	}()
	f.clock += opCost
	f.trace = append(f.trace, fmt.Sprintf("s%d %s %s", s.id, o.call, o.what))
	if o.event != nil {
		o.event.done, o.event.time = true, f.clock
		return nil
	}
	if o.snap != nil && !bytes.Equal(o.snap, o.src) {
		return fmt.Errorf("%s: %w: %s on stream %d reads pinned host memory %#x (%d bytes) that the host rewrote after queueing it; wait for the copy (its stream, or an event recorded after it) before rewriting its source",
			o.call, ErrHostWrite, o.what, s.id, addr(o.src), len(o.src))
	}
	if err := o.run(); err != nil {
		return err
	}
	if o.dst != nil {
		f.deviceWrote(o.dst)
	}
	return nil
}

// addr is the address of b's first byte.
func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(&b[0])) }

// deviceWrote brings the snapshots of queued copies up to date with what a
// device-to-host copy just wrote into dst: a later copy in stream order
// reads the device's bytes there, which is no host write.
func (f *Fake) deviceWrote(dst []byte) {
	lo, hi := addr(dst), addr(dst)+uintptr(len(dst))
	for _, s := range f.streams {
		for _, q := range s.queue {
			if q.snap == nil {
				continue
			}
			qlo, qhi := addr(q.src), addr(q.src)+uintptr(len(q.src))
			if a, b := max(lo, qlo), min(hi, qhi); a < b {
				copy(q.snap[a-qlo:b-qlo], dst[a-lo:b-lo])
			}
		}
	}
}

// drain runs s's queue, or the part of it up to and including stop.
func (f *Fake) drain(s *stream, stop *op) error {
	for len(s.queue) > 0 {
		o := s.queue[0]
		s.queue = s.queue[1:]
		if err := f.runOp(s, o); err != nil {
			return err
		}
		if o == stop {
			return nil
		}
	}
	return nil
}

// drainAll runs every stream's queue, in stream creation order.
func (f *Fake) drainAll() error {
	for _, s := range f.sortedStreams() {
		if err := f.drain(s, nil); err != nil {
			return err
		}
	}
	return nil
}

// validate checks that o's device spans lie in live allocations.
func (f *Fake) validate(o *op, code cuda.Result) error {
	for _, sp := range o.spans {
		if _, err := f.mem.span(sp.p, sp.n); err != nil {
			return cuda.Errorf(o.call, code, "fakecuda: %s: %v", o.what, err)
		}
	}
	if o.live != nil {
		if err := o.live(); err != nil {
			return cuda.Errorf(o.call, cuda.ErrorInvalidHandle, "fakecuda: %s: %v", o.what, err)
		}
	}
	return nil
}

// enqueue validates o and queues it on s, or records it into s's capture.
func (f *Fake) enqueue(s *stream, o *op) error {
	if err := f.validate(o, cuda.ErrorInvalidValue); err != nil {
		return err
	}
	if s.capture != nil {
		if s.capture.invalid != nil {
			return cuda.Errorf(o.call, cuda.ErrorStreamCaptureInvalidated, "fakecuda: stream %d's capture was invalidated by: %v", s.id, s.capture.invalid)
		}
		for _, h := range o.hosts {
			if !f.mem.pinned(h) {
				err := cuda.Errorf(o.call, cuda.ErrorStreamCaptureUnsupported, "fakecuda: %s copies pageable host memory while stream %d is capturing; a graph may only copy to or from AllocHost memory, which outlives it", o.what, s.id)
				s.capture.invalid = err
				return err
			}
		}
		s.capture.ops = append(s.capture.ops, o)
		return nil
	}
	for _, t := range f.sortedStreams() {
		if t == s {
			continue
		}
		for _, p := range t.queue {
			for _, a := range o.spans {
				for _, b := range p.spans {
					if a.overlaps(b) {
						return fmt.Errorf("%s: %w: %s on stream %d touches [%#x, +%d) while %s on stream %d has not finished with [%#x, +%d); synchronise stream %d first",
							o.call, ErrRace, o.what, s.id, uint64(a.p), a.n, p.what, t.id, uint64(b.p), b.n, t.id)
					}
				}
			}
		}
	}
	s.queue = append(s.queue, o.queued(f))
	return nil
}

// queued is o as queued now: a copy from pinned host memory keeps a
// snapshot of its source, so that runOp can tell a host write that came
// before the copy ran (on a GPU the copy would read the new bytes, or a
// mix). Pageable sources are staged by the real driver before the call
// returns, so rewriting them is safe and not checked.
func (o *op) queued(f *Fake) *op {
	if len(o.src) == 0 || !f.mem.pinned(o.src) {
		return o
	}
	q := *o
	q.snap = bytes.Clone(o.src)
	return &q
}

// stream looks up a live stream handle.
func (f *Fake) stream(call string, h cuda.Stream) (*stream, error) {
	s, ok := f.streams[h]
	if !ok {
		return nil, cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: stream %#x is not a live stream from NewStream (the fake has no default stream)", uintptr(h))
	}
	return s, nil
}

// submit is the common body of the calls that queue work: look up the
// stream, build the op, queue or capture it.
func (f *Fake) submit(call string, h cuda.Stream, build func() (*op, error)) error {
	return f.onStream(call, h, func(s *stream) error {
		o, err := build()
		if err != nil {
			return err
		}
		o.call = call
		return f.enqueue(s, o)
	})
}

// NewStream creates a stream.
func (f *Fake) NewStream() (cuda.Stream, error) {
	defer f.mu.Unlock()
	if err := f.enter("cuStreamCreate"); err != nil {
		return 0, err
	}
	h := cuda.Stream(f.next())
	f.streams[h] = &stream{id: int(h)}
	return h, nil
}

// DestroyStream runs s's queued work and destroys it; a capturing stream
// cannot be destroyed.
func (f *Fake) DestroyStream(h cuda.Stream) error {
	const call = "cuStreamDestroy_v2"
	return f.onStream(call, h, func(s *stream) error {
		if s.capture != nil {
			return cuda.Errorf(call, cuda.ErrorIllegalState, "fakecuda: stream %d is capturing; EndCapture first", s.id)
		}
		if err := f.drain(s, nil); err != nil {
			return err
		}
		delete(f.streams, h)
		return nil
	})
}

// SyncStream runs s's queued work; refused on a capturing stream.
func (f *Fake) SyncStream(h cuda.Stream) error {
	const call = "cuStreamSynchronize"
	return f.onStream(call, h, func(s *stream) error {
		if s.capture != nil {
			err := cuda.Errorf(call, cuda.ErrorStreamCaptureUnsupported, "fakecuda: synchronising stream %d while it captures", s.id)
			s.capture.invalid = err
			return err
		}
		return f.drain(s, nil)
	})
}

// Synchronize runs all queued work; refused while a stream captures.
func (f *Fake) Synchronize() error {
	const call = "cuCtxSynchronize"
	return f.locked(call, func() error {
		if err := f.refuseWhileCapturing(call, "synchronising the context"); err != nil {
			return err
		}
		return f.drainAll()
	})
}
