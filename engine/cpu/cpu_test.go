package cpu_test

import (
	"genxai/engine/cpu"
	"testing"

	"genxai/engine/blas"
	"genxai/engine/enginetest"
)

// TestConformance checks every kernel against its reference, with the
// kernels split across three workers even on small shapes.
func TestConformance(t *testing.T) {
	blas.Use()
	enginetest.Run(t, cpu.New(cpu.Options{Workers: 3, MinParallel: 1}))
}

// TestSameAcrossWorkers requires the same bits from 1, 2, 3 and 8 workers.
func TestSameAcrossWorkers(t *testing.T) {
	enginetest.Same(t, cpu.New(cpu.Options{Workers: 1}), cpu.New(cpu.Options{Workers: 2, MinParallel: 1}),
		cpu.New(cpu.Options{Workers: 3, MinParallel: 1}), cpu.New(cpu.Options{Workers: 8, MinParallel: 1}))
}
