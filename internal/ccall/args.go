package ccall

import "math"

// I32 widens a C int argument to a register (sign-extended, as C does).
func I32(v int32) uintptr { return uintptr(int64(v)) }

// F32 is a float argument's register bits.
func F32(v float32) uint64 { return uint64(math.Float32bits(v)) }

// F64 is a double argument's register bits.
func F64(v float64) uint64 { return math.Float64bits(v) }
