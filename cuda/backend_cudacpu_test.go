//go:build cudacpu

package cuda_test

import (
	"os/exec"
	"sort"
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/fakecuda/cpukernels"
	"genxai/cuda/fakecuda/cukernels"
	"genxai/cuda/kernels"
	"genxai/engine"
)

// onHarness returns a CUDA backend on a fake H200 whose launches run the
// kernels' .cu text in the CPU harness h (cukernels), in forward or
// reversed thread order; the cleanup closes both and fails the test on any
// error, leak included.
func onHarness(t *testing.T, h *kernels.Harness, reverse bool) *cuda.Backend {
	t.Helper()
	f := fakecuda.New(cuda.Hopper())
	return newOnFake(t, f, f, cuda.BackendOptions{Compiler: cukernels.Install(f, h, reverse)})
}

// modelChains runs one training step of every model on the fake with the
// CPU backend's Go bodies and returns the elementwise chains their plans
// compile, which the harness must link.
func modelChains(t *testing.T, names []string) []*engine.Chain {
	t.Helper()
	var chains []*engine.Chain
	collect := func(s cuda.Source) ([]byte, error) {
		if s.Chain != nil {
			chains = append(chains, s.Chain)
		}
		return cpukernels.StubPTX(s.Entries), nil
	}
	for _, name := range names {
		be, _ := onFake(t, collect)
		trainSteps(t, be, trainModels[name], 1)
	}
	return chains
}

// TestTrainingStepOnHarness: three whole training steps of every model
// family through the plan on the CUDA backend's host code over the fake,
// every kernel launch executed by its CUDA C++ text in the CPU harness
// (ASan, UBSan, threads as fibers, in both thread orders), the products by
// the fake's cuBLAS, give the CPU backend's losses and every tensor of the
// Store within 1e-5 relative per tensor, as on the Go bodies.
func TestTrainingStepOnHarness(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ absent: the CPU execution of the CUDA kernels is skipped (apt-get install g++)")
	}
	names := make([]string, 0, len(trainModels))
	for name := range trainModels {
		names = append(names, name)
	}
	sort.Strings(names)
	chains := modelChains(t, names)
	h, err := kernels.BuildHarness(chains)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	distinct := map[string]bool{}
	for _, c := range chains {
		distinct[kernels.ChainKernelName(c)] = true
	}
	t.Logf("harness with the fixed units and %d chains built by g++ in %v", len(distinct), h.BuildTime)
	for _, name := range names {
		for _, order := range []struct {
			name    string
			reverse bool
		}{{"forward", false}, {"reverse", true}} {
			t.Run(name+"/"+order.name, func(t *testing.T) {
				matchCPU(t, onHarness(t, h, order.reverse), trainModels[name], 3, 1e-5)
			})
		}
	}
}
