package cpukernels

import (
	"slices"
	"testing"
)

// TestEveryKernelHasABody: every kernel of cuda/kernels.Table but the plain
// gemm (cuBLAS does the backend's products) runs on the fake.
func TestEveryKernelHasABody(t *testing.T) {
	if m := Missing(); !slices.Equal(m, []string{"gemm"}) {
		t.Fatalf("kernels without a Go body: %v", m)
	}
}
