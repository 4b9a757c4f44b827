package cpu

import "genxai/engine"

//go:noescape
func adamSSE(w, g, m, v []float32, k *[10]float32, mode int)

// stepAdam is engine.StepAdamArgs with the SSE loop of adam_amd64.s over
// whole groups of four elements and the Go loop over the rest; the bits are
// the Go loop's.
func stepAdam(a engine.AdamArgs, w, g, m, v []float32, scale float32) {
	n := len(w) &^ 3
	if n > 0 {
		g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
		k := [10]float32{scale, a.WD, a.B1, 1 - a.B1, a.B2, 1 - a.B2, a.SqrtBC2, a.Eps, a.StepSize}
		mode := 0
		switch {
		case a.Decoupled:
			k[1], mode = a.Decay, 1
		case a.WD != 0:
			mode = 2
		}
		adamSSE(w[:n], g, m, v, &k, mode)
	}
	engine.StepAdamArgs(a, w[n:], g[n:], m[n:], v[n:], scale)
}
