package fakecuda

import (
	"fmt"
	"sort"
	"unsafe"

	"genxai/cuda"
)

// Addresses: allocations start at baseAddr, aligned to allocAlign, with a
// guard gap after each so that a small overrun never lands in a neighbour.
const (
	baseAddr   = 1 << 40
	allocAlign = 512
	guardGap   = 4096
)

// allocation is one live device buffer.
type allocation struct {
	base cuda.DevicePtr
	data []byte
}

// end is one past the allocation's last byte.
func (a *allocation) end() cuda.DevicePtr { return a.base + cuda.DevicePtr(len(a.data)) }

// memory is the fake device's memory and the pinned host allocations.
type memory struct {
	total uint64
	used  uint64
	next  cuda.DevicePtr
	live  []*allocation          // sorted by base
	freed map[cuda.DevicePtr]int // base → size of freed allocations
	host  map[uintptr][]byte     // pinned host buffers by address
}

func newMemory(total uint64) memory {
	return memory{total: total, next: baseAddr, freed: map[cuda.DevicePtr]int{}, host: map[uintptr][]byte{}}
}

// alloc reserves bytes of device memory.
func (m *memory) alloc(bytes int) (cuda.DevicePtr, error) {
	const call = "cuMemAlloc_v2"
	if bytes <= 0 {
		return 0, cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: size %d; allocate at least one byte", bytes)
	}
	if m.used+uint64(bytes) > m.total {
		return 0, cuda.Errorf(call, cuda.ErrorOutOfMemory, "fakecuda: %d bytes asked, %d of %d in use", bytes, m.used, m.total)
	}
	a := &allocation{base: m.next, data: make([]byte, bytes)}
	m.next += cuda.DevicePtr((bytes + guardGap + allocAlign - 1) / allocAlign * allocAlign)
	m.used += uint64(bytes)
	m.live = append(m.live, a) // bases only grow, so live stays sorted
	return a.base, nil
}

// free releases the allocation at base p.
func (m *memory) free(p cuda.DevicePtr) error {
	const call = "cuMemFree_v2"
	i := sort.Search(len(m.live), func(i int) bool { return m.live[i].base >= p })
	if i < len(m.live) && m.live[i].base == p {
		m.used -= uint64(len(m.live[i].data))
		m.freed[p] = len(m.live[i].data)
		m.live = append(m.live[:i], m.live[i+1:]...)
		return nil
	}
	if n, ok := m.freed[p]; ok {
		return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: double free of %#x (%d bytes, already freed)", uint64(p), n)
	}
	if a := m.find(p); a != nil {
		return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: %#x is inside the allocation at %#x, not its base", uint64(p), uint64(a.base))
	}
	return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: %#x was never allocated", uint64(p))
}

// find returns the live allocation containing p, or nil.
func (m *memory) find(p cuda.DevicePtr) *allocation {
	i := sort.Search(len(m.live), func(i int) bool { return m.live[i].end() > p })
	if i < len(m.live) && m.live[i].base <= p {
		return m.live[i]
	}
	return nil
}

// span returns the n bytes at p, which must lie inside one live
// allocation; the error says how they do not.
func (m *memory) span(p cuda.DevicePtr, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("negative size %d", n)
	}
	a := m.find(p)
	if a == nil {
		for base, size := range m.freed {
			if p >= base && p < base+cuda.DevicePtr(size) {
				return nil, fmt.Errorf("%#x lies in the freed allocation at %#x (%d bytes): use after free", uint64(p), uint64(base), size)
			}
		}
		return nil, fmt.Errorf("%#x is not in any live allocation", uint64(p))
	}
	off := int(p - a.base)
	if off+n > len(a.data) {
		return nil, fmt.Errorf("[%#x, +%d bytes) runs %d bytes past the end of the allocation at %#x (%d bytes)", uint64(p), n, off+n-len(a.data), uint64(a.base), len(a.data))
	}
	return a.data[off : off+n], nil
}

// allocHost reserves pinned host memory (Go memory here; it never moves).
func (m *memory) allocHost(bytes int) ([]byte, error) {
	if bytes <= 0 {
		return nil, cuda.Errorf("cuMemAllocHost_v2", cuda.ErrorInvalidValue, "fakecuda: size %d; allocate at least one byte", bytes)
	}
	b := make([]byte, bytes)
	m.host[uintptr(unsafe.Pointer(&b[0]))] = b
	return b, nil
}

// freeHost releases a buffer from allocHost.
func (m *memory) freeHost(b []byte) error {
	const call = "cuMemFreeHost"
	if len(b) == 0 {
		return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: empty buffer; pass the slice AllocHost returned")
	}
	p := uintptr(unsafe.Pointer(&b[0]))
	if _, ok := m.host[p]; !ok {
		return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: %#x is not a live pinned allocation (double free, or not from AllocHost)", p)
	}
	delete(m.host, p)
	return nil
}

// pinned reports whether b lies inside one live pinned host allocation.
func (m *memory) pinned(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	p := uintptr(unsafe.Pointer(&b[0]))
	for base, h := range m.host {
		if p >= base && p+uintptr(len(b)) <= base+uintptr(len(h)) {
			return true
		}
	}
	return false
}

// sortedHost lists the live pinned buffers by address (for messages).
func (m *memory) sortedHost() [][]byte {
	keys := make([]uintptr, 0, len(m.host))
	for k := range m.host {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = m.host[k]
	}
	return out
}

// memCall is the common body of the allocation calls: refused while a
// stream captures, and (for frees) run only after all queued work.
func (f *Fake) memCall(call, what string, drain bool, body func() error) error {
	return f.locked(call, func() error {
		if err := f.refuseWhileCapturing(call, what); err != nil {
			return err
		}
		if drain {
			if err := f.drainAll(); err != nil {
				return err
			}
		}
		return body()
	})
}

// Alloc allocates device memory; refused while a stream captures.
func (f *Fake) Alloc(bytes int) (p cuda.DevicePtr, err error) {
	return p, f.memCall("cuMemAlloc_v2", "allocating device memory", false, func() error {
		p, err = f.mem.alloc(bytes)
		return err
	})
}

// Free frees device memory after running all queued work (freeing
// synchronises the device); refused while a stream captures.
func (f *Fake) Free(p cuda.DevicePtr) error {
	return f.memCall("cuMemFree_v2", "freeing device memory", true, func() error { return f.mem.free(p) })
}

// AllocHost allocates pinned host memory; refused while a stream captures.
func (f *Fake) AllocHost(bytes int) (b []byte, err error) {
	return b, f.memCall("cuMemAllocHost_v2", "allocating pinned host memory", false, func() error {
		b, err = f.mem.allocHost(bytes)
		return err
	})
}

// FreeHost frees pinned host memory after running all queued work;
// refused while a stream captures.
func (f *Fake) FreeHost(b []byte) error {
	return f.memCall("cuMemFreeHost", "freeing pinned host memory", true, func() error { return f.mem.freeHost(b) })
}
