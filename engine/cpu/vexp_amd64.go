package cpu

import (
	"math"

	"github.com/chewxy/math32"
)

//go:noescape
func expSSE(d, a []float32)

//go:noescape
func tanhSSE(d, a []float32, k *[8]float32)

// tanhConsts are tanhSSE's constants as math32.Tanh's Go code has them (the
// compiler's float32 conversions of its untyped constants): 0.5·MAXLOG, the
// polynomial's coefficients, 0.625's bits − 1 and +Inf's bits.
var tanhConsts = [8]float32{
	0.5 * 88.02969187150841,
	-5.70498872745e-3, 2.06390887954e-2, 5.37397155531e-2, 1.33314422036e-1, 3.33332819422e-1,
	math.Float32frombits(math.Float32bits(0.625) - 1), math.Float32frombits(0x7F800000),
}

// expBlock writes d[j] = math32.Exp(a[j]), four at a time with SSE.
func expBlock(d, a []float32) {
	n := len(d) &^ 3
	expSSE(d[:n], a[:n])
	for j := n; j < len(d); j++ {
		d[j] = math32.Exp(a[j])
	}
}

// tanhBlock writes d[j] = math32.Tanh(a[j]), four at a time with SSE.
func tanhBlock(d, a []float32) {
	n := len(d) &^ 3
	tanhSSE(d[:n], a[:n], &tanhConsts)
	for j := n; j < len(d); j++ {
		d[j] = math32.Tanh(a[j])
	}
}
