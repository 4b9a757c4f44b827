package train

import "math"

// Schedule gives the learning rate at each optimizer step: a linear warm-up
// from 0 over Warmup steps, then either the constant Base or a cosine decay
// from Base to Min over the remaining steps up to Total (Loshchilov and
// Hutter, "SGDR", 2017, without restarts; the form nanoGPT uses).
type Schedule struct {
	Kind   string // "constant" or "cosine"
	Base   float64
	Min    float64
	Warmup int64
	Total  int64
}

// At returns the learning rate for step (0-based).
func (s Schedule) At(step int64) float64 {
	if s.Warmup > 0 && step < s.Warmup {
		return s.Base * float64(step+1) / float64(s.Warmup)
	}
	if s.Kind != "cosine" || s.Total <= s.Warmup {
		return s.Base
	}
	progress := float64(step-s.Warmup) / float64(s.Total-s.Warmup)
	if progress > 1 {
		progress = 1
	}
	return s.Min + 0.5*(s.Base-s.Min)*(1+math.Cos(math.Pi*progress))
}
