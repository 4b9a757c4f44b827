package nets

// Argmax returns the index of the largest value of v, the first one on a
// tie, and -1 for an empty v. NaN never compares larger, so a NaN is chosen
// only when it stands first and nothing after it is larger.
func Argmax[T float32 | float64](v []T) int {
	if len(v) == 0 {
		return -1
	}
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
