package fakecuda

import "genxai/cuda"

// Int64 is argument i as an int64.
func (l *Launch) Int64(i int) int64 { return arg[int64](l, i) }

// Uint64 is argument i as a uint64.
func (l *Launch) Uint64(i int) uint64 { return arg[uint64](l, i) }

// Float64 is argument i as a float64.
func (l *Launch) Float64(i int) float64 { return arg[float64](l, i) }

// Allocation is the whole live allocation containing p: its base address
// and its bytes (the device memory itself, so writes land on the device).
// A pointer outside every live allocation faults the launch like Bytes.
// A kernel executed elsewhere (cuda/fakecuda/cukernels) ships allocations
// whole, so that pointers into one allocation alias as on a device.
func (l *Launch) Allocation(p cuda.DevicePtr) (base cuda.DevicePtr, data []byte) {
	a := l.f.mem.find(p)
	if a == nil {
		l.Bytes(p, 1) // faults with the reason
	}
	return a.base, a.data
}
