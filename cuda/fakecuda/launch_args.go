package fakecuda

// Int64 is argument i as an int64.
func (l *Launch) Int64(i int) int64 { return arg[int64](l, i) }

// Uint64 is argument i as a uint64.
func (l *Launch) Uint64(i int) uint64 { return arg[uint64](l, i) }

// Float64 is argument i as a float64.
func (l *Launch) Float64(i int) float64 { return arg[float64](l, i) }
