package cuda_test

import (
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/fakecuda/cpukernels"
	"genxai/engine/cpu"
	"genxai/engine/enginetest"
)

// onFake returns a CUDA backend on a fake H200 whose kernels run the CPU
// backend's code (cpukernels); the cleanup closes both and fails the test
// on any error, leak included.
func onFake(t testing.TB, inner cuda.Compiler) (*cuda.Backend, *fakecuda.Fake) {
	t.Helper()
	f := fakecuda.New(cuda.Hopper())
	be, err := cuda.NewBackend(f, cuda.BackendOptions{Compiler: cpukernels.Install(f, inner)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := be.Close(); err != nil {
			t.Errorf("closing the backend: %v", err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("closing the fake: %v", err)
		}
	})
	return be, f
}

func TestBackendConformanceOnFake(t *testing.T) {
	be, _ := onFake(t, nil)
	enginetest.Run(t, be)
	if err := be.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestBackendSameAsCPUOnFake(t *testing.T) {
	be, _ := onFake(t, nil)
	// The fake's cuBLAS (cuda.SgemmRef) adds in another order than OpenBLAS.
	enginetest.SameExcept(t, []string{"Gemm", "GemmBatched"}, cpu.New(cpu.Options{}), be)
}
