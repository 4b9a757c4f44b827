//go:build cudacpu

package kernels

import (
	"math"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"genxai/engine"
)

// The kernel tests drive one CPU harness (harness.go) per test binary,
// passing each buffer argument as its own allocation.

// harness is the running harness of the test binary.
type harness struct{ *Harness }

var (
	harnessOnce sync.Once
	harnessRun  *Harness
	harnessErr  error
)

// harnessChains are the generated chains linked into the harness.
func harnessChains() []*engine.Chain {
	c := engine.NewChain(engine.Full, engine.Row)
	c.Output(c.Unary(engine.OpTanh, c.Binary(engine.OpAdd, 0, 1)))
	return append(opChains(), c)
}

// startHarness builds and starts the harness once per test binary; it
// skips the test when g++ is absent.
func startHarness(t *testing.T) harness {
	t.Helper()
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ absent: the CPU execution of the CUDA kernels is skipped (apt-get install g++)")
	}
	harnessOnce.Do(func() { harnessRun, harnessErr = BuildHarness(harnessChains()) })
	if harnessErr != nil {
		t.Fatal(harnessErr)
	}
	return harness{harnessRun}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if harnessRun != nil {
		harnessRun.Close()
	}
	os.Exit(code)
}

// bytesOf is the memory of a slice of fixed-size values, shared with it.
func bytesOf[T any](v []T) []byte {
	if len(v) == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0])))
}

// call launches kernel name over l in the given thread order; buffer
// arguments ([]float32, []float64, []int64, [][]float32) are allocations
// of their own and receive the kernel's results in place. The arguments'
// Go types are checked against the kernel's parameters.
func (h harness) call(t *testing.T, name string, l Launch, reverse bool, args ...any) {
	t.Helper()
	ps, ok := h.Params(name)
	if !ok || len(ps) != len(args) {
		t.Fatalf("harness: kernel %s takes %d parameters, got %d arguments", name, len(ps), len(args))
	}
	var mem [][]byte
	alloc := func(b []byte) Ref {
		mem = append(mem, b)
		return Ref{Alloc: len(mem) - 1}
	}
	run := make([]any, len(args))
	for i, a := range args {
		var kinds []ParamKind
		switch v := a.(type) {
		case []float32:
			kinds, run[i] = []ParamKind{In, Out, U32In}, alloc(bytesOf(v))
		case []float64:
			kinds, run[i] = []ParamKind{F64In, F64Out}, alloc(bytesOf(v))
		case []int64:
			kinds, run[i] = []ParamKind{I64In}, alloc(bytesOf(v))
		case [][]float32:
			refs := make([]Ref, len(v))
			for j, b := range v {
				refs[j] = alloc(bytesOf(b))
			}
			kinds, run[i] = []ParamKind{PtrIn}, refs
		default:
			kinds, run[i] = []ParamKind{ps[i].Kind}, a // Run checks the scalars
		}
		if !slices.Contains(kinds, ps[i].Kind) {
			t.Fatalf("harness: %s argument %d (%s) is a %T, the kernel takes %s", name, i, ps[i].Name, a, ps[i].Kind.CType())
		}
	}
	if err := h.Run(name, l, reverse, mem, run); err != nil {
		t.Fatal(err)
	}
}

// cloneArgs copies the buffer arguments (the others are values).
func cloneArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case []float32:
			out[i] = append([]float32(nil), v...)
		case []float64:
			out[i] = append([]float64(nil), v...)
		case [][]float32:
			c := make([][]float32, len(v))
			for j := range v {
				c[j] = append([]float32(nil), v[j]...)
			}
			out[i] = c
		default:
			out[i] = a
		}
	}
	return out
}

// sameBits fails the test where a float32 argument of two runs of a kernel
// differs in bits; how names the second run.
func sameBits(t *testing.T, name, how string, args, other []any) {
	t.Helper()
	for i, a := range args {
		if f, ok := a.([]float32); ok {
			if j := diffBits(f, other[i].([]float32)); j >= 0 {
				t.Fatalf("%s: argument %d differs %s at %d: %v, then %v", name, i, how, j, f[j], other[i].([]float32)[j])
			}
		}
	}
}

// both runs the kernel in forward and reversed thread order on copies of
// the buffers, requires the same bits from both and leaves the forward
// run's results in the arguments.
func (h *harness) both(t *testing.T, name string, l Launch, args ...any) {
	t.Helper()
	if l.Empty() {
		return
	}
	rev := cloneArgs(args)
	h.call(t, name, l, false, args...)
	h.call(t, name, l, true, rev...)
	sameBits(t, name, "between thread orders", args, rev)
}

// gridded runs an Elements kernel over n in both thread orders with the
// rule's launch and again with a grid of two blocks, so that the
// grid-stride loop covers several values per thread; it requires the same
// bits from both launches and leaves the rule's results in the arguments.
func (h *harness) gridded(t *testing.T, name string, n int, args ...any) {
	t.Helper()
	l := Elements.Launch(n)
	capped := cloneArgs(args)
	h.both(t, name, l, args...)
	if l.Grid[0] > 2 {
		l.Grid[0] = 2
		h.both(t, name, l, capped...)
		sameBits(t, name, "between the rule's grid and a grid of 2 blocks", args, capped)
	}
}

// diffBits returns the first index where a and b differ in bits (NaNs
// equal), or −1.
func diffBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}
