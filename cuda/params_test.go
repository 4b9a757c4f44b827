package cuda

import (
	"math"
	"strings"
	"testing"
	"unsafe"
)

func TestPackParams(t *testing.T) {
	p, err := packParams("cuLaunchKernel", []any{DevicePtr(0xdead0000), int32(-2), uint32(7), float32(1.5), float64(-0.25), int64(-3), uint64(9)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.unpin()
	arr := (*[7]unsafe.Pointer)(p.array())
	read32 := func(i int) uint32 { return *(*uint32)(arr[i]) }
	read64 := func(i int) uint64 { return *(*uint64)(arr[i]) }
	if read64(0) != 0xdead0000 || read32(1) != math.MaxUint32-1 || read32(2) != 7 ||
		read32(3) != math.Float32bits(1.5) || read64(4) != math.Float64bits(-0.25) ||
		int64(read64(5)) != -3 || read64(6) != 9 {
		t.Fatalf("packed %#x", p.vals)
	}
	q, err := packParams("cuLaunchKernel", nil)
	if err != nil || q.array() != nil {
		t.Fatalf("no arguments: %v %v", q.array(), err)
	}
	q.unpin()
	if _, err := packParams("cuLaunchKernel", []any{1}); Code(err) != ErrorInvalidValue {
		t.Fatalf("an int argument: %v", err)
	}
}

func TestRowMajorToColMajor(t *testing.T) {
	// C (2×3) = A (2×4) · Bᵀ with B stored 3×4: cuBLAS sees Cᵀ = B·Aᵀ.
	g := rowMajorToColMajor(false, true, 2, 3, 4)
	want := colMajor{ta: Trans, tb: NoTrans, m: 3, n: 2, k: 4, lda: 4, ldb: 4, ldc: 3}
	if g != want {
		t.Fatalf("got %+v, want %+v", g, want)
	}
}

func TestCublasMissing(t *testing.T) {
	if _, err := LoadCublas(); err == nil {
		t.Skip("cuBLAS loads here")
	} else if Code(err) != ErrorUnknown || !containsAll(err.Error(), "libcublas.so.13", "libcublas.so.12", "libcublas.so.11") {
		t.Fatalf("missing cuBLAS: %v", err)
	}
}

func containsAll(s string, words ...string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
