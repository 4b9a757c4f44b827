package fakecuda

import (
	"encoding/binary"
	"fmt"

	"genxai/cuda"
)

// devBytes returns the n bytes at p for an op running now; validate has
// checked them when the op was queued and Free drains the queues first, so
// a failure here is a fault.
func (f *Fake) devBytes(p cuda.DevicePtr, n int) []byte {
	b, err := f.mem.span(p, n)
	if err != nil {
		panic(fault{err.Error()})
	}
	return b
}

// CopyHtoD queues a copy of src to dst; src is read when the copy runs, and
// a pinned src that the host rewrites before then fails the copy (ErrHostWrite).
func (f *Fake) CopyHtoD(dst cuda.DevicePtr, src []byte, h cuda.Stream) error {
	return f.submit("cuMemcpyHtoDAsync_v2", h, func() (*op, error) {
		return &op{
			what:  fmt.Sprintf("copy %d bytes host %s→%#x", len(src), hostAddr(src), uint64(dst)),
			spans: []span{{dst, len(src), true}}, hosts: [][]byte{src}, src: src,
			run: func() error { copy(f.devBytes(dst, len(src)), src); return nil },
		}, nil
	})
}

// CopyDtoH queues a copy of len(dst) bytes at src into dst.
func (f *Fake) CopyDtoH(dst []byte, src cuda.DevicePtr, h cuda.Stream) error {
	return f.submit("cuMemcpyDtoHAsync_v2", h, func() (*op, error) {
		return &op{
			what:  fmt.Sprintf("copy %d bytes %#x→host %s", len(dst), uint64(src), hostAddr(dst)),
			spans: []span{{src, len(dst), false}}, hosts: [][]byte{dst}, dst: dst,
			run: func() error { copy(dst, f.devBytes(src, len(dst))); return nil },
		}, nil
	})
}

// hostAddr names host memory b in the trace: its address, so that tests
// tell which pinned buffer a copy used.
func hostAddr(b []byte) string {
	if len(b) == 0 {
		return "(empty)"
	}
	return fmt.Sprintf("%#x", addr(b))
}

// CopyDtoD queues a device-to-device copy.
func (f *Fake) CopyDtoD(dst, src cuda.DevicePtr, bytes int, h cuda.Stream) error {
	return f.submit("cuMemcpyDtoDAsync_v2", h, func() (*op, error) {
		return &op{
			what:  fmt.Sprintf("copy %d bytes %#x→%#x", bytes, uint64(src), uint64(dst)),
			spans: []span{{src, bytes, false}, {dst, bytes, true}},
			run:   func() error { copy(f.devBytes(dst, bytes), f.devBytes(src, bytes)); return nil },
		}, nil
	})
}

// MemsetD32 queues setting count 32-bit words at dst to value.
func (f *Fake) MemsetD32(dst cuda.DevicePtr, value uint32, count int, h cuda.Stream) error {
	return f.submit("cuMemsetD32Async", h, func() (*op, error) {
		return &op{
			what:  fmt.Sprintf("set %d words at %#x to %#x", count, uint64(dst), value),
			spans: []span{{dst, 4 * count, true}},
			run: func() error {
				b := f.devBytes(dst, 4*count)
				for i := 0; i < count; i++ {
					binary.LittleEndian.PutUint32(b[4*i:], value)
				}
				return nil
			},
		}, nil
	})
}
