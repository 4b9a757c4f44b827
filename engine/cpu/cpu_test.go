package cpu

import (
	"testing"

	"genxai/engine/blas"
	"genxai/engine/enginetest"
)

// TestConformance checks every kernel against its reference, with the
// kernels split across three workers even on small shapes.
func TestConformance(t *testing.T) {
	blas.Use()
	enginetest.Run(t, New(Options{Workers: 3, MinParallel: 1}))
}

// TestSameAcrossWorkers requires the same bits from 1, 2, 3 and 8 workers.
func TestSameAcrossWorkers(t *testing.T) {
	enginetest.Same(t, New(Options{Workers: 1}), New(Options{Workers: 2, MinParallel: 1}),
		New(Options{Workers: 3, MinParallel: 1}), New(Options{Workers: 8, MinParallel: 1}))
}
