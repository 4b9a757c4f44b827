package cuda

import (
	"math"
	"runtime"
	"unsafe"
)

// params is cuLaunchKernel's kernelParams: an array of pointers, one per
// kernel parameter, each to the parameter's value. The values and the
// array are Go memory handed to C (the array holds Go pointers), so both
// are pinned with runtime.Pinner for the call. The driver copies the values
// at launch, also while capturing, so nothing is kept after the call.
type params struct {
	vals   []uint64
	ptrs   []unsafe.Pointer
	pinner runtime.Pinner
}

// packParams stores each argument little-endian in its own 8-byte slot (a
// 4-byte parameter is read from the slot's first 4 bytes).
func packParams(call string, args []any) (*params, error) {
	if err := KernelArgs(call, args); err != nil {
		return nil, err
	}
	p := &params{vals: make([]uint64, len(args)+1), ptrs: make([]unsafe.Pointer, len(args)+1)}
	for i, a := range args {
		switch v := a.(type) {
		case DevicePtr:
			p.vals[i] = uint64(v)
		case int32:
			p.vals[i] = uint64(uint32(v))
		case uint32:
			p.vals[i] = uint64(v)
		case int64:
			p.vals[i] = uint64(v)
		case uint64:
			p.vals[i] = v
		case float32:
			p.vals[i] = uint64(math.Float32bits(v))
		case float64:
			p.vals[i] = math.Float64bits(v)
		}
		p.ptrs[i] = unsafe.Pointer(&p.vals[i])
	}
	p.pinner.Pin(&p.vals[0])
	p.pinner.Pin(&p.ptrs[0])
	return p, nil
}

// array is the kernelParams pointer (nil for a kernel without parameters).
func (p *params) array() unsafe.Pointer {
	if len(p.ptrs) == 1 {
		return nil
	}
	return unsafe.Pointer(&p.ptrs[0])
}

// unpin releases the pins after the call.
func (p *params) unpin() { p.pinner.Unpin() }
