//go:build !amd64

package cpu

import "github.com/chewxy/math32"

// expBlock writes d[j] = math32.Exp(a[j]) (the SSE form is amd64's).
func expBlock(d, a []float32) {
	for j, x := range a[:len(d)] {
		d[j] = math32.Exp(x)
	}
}

// tanhBlock writes d[j] = math32.Tanh(a[j]) (the SSE form is amd64's).
func tanhBlock(d, a []float32) {
	for j, x := range a[:len(d)] {
		d[j] = math32.Tanh(x)
	}
}
