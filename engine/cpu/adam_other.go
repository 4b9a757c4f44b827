//go:build !amd64

package cpu

import "genxai/engine"

// stepAdam is engine.StepAdamArgs (the SSE loop is amd64's).
func stepAdam(a engine.AdamArgs, w, g, m, v []float32, scale float32) {
	engine.StepAdamArgs(a, w, g, m, v, scale)
}
