//go:build amd64 && (linux || freebsd)

package ccall

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
)

// testC is a C library built for the test: functions whose results expose
// any argument passed in the wrong register or stack slot.
const testC = `
long weigh18(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
             long a9, long a10, long a11, long a12, long a13, long a14, long a15, long a16, long a17) {
	long a[18] = {a0,a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13,a14,a15,a16,a17};
	long s = 0;
	for (int k = 0; k < 18; k++) s += (long)(k + 1) * a[k] * (k % 2 ? -1 : 1);
	return s;
}
double mix(int i, double x, const float *p, float y) { return (double)i * 1000.0 + x * 10.0 + (double)p[1] + (double)y / 8.0; }
void store(int n, float *dst, int k, float v) { for (int j = 0; j < n; j++) dst[j] = v * (float)(j + k); }
`

// openTestLib builds testC into a shared library with the system's C
// compiler and opens it; the test is skipped, saying why, without one.
func openTestLib(t *testing.T) uintptr {
	t.Helper()
	cc := ""
	for _, c := range []string{"cc", "gcc", "g++"} {
		if p, err := exec.LookPath(c); err == nil {
			cc = p
			break
		}
	}
	if cc == "" {
		t.Skip("no C compiler (cc, gcc or g++) on PATH to build the test library")
	}
	dir := t.TempDir()
	src, lib := filepath.Join(dir, "t.c"), filepath.Join(dir, "libt.so")
	if err := os.WriteFile(src, []byte(testC), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-shared", "-fPIC", "-O1", "-o", lib, src}
	if filepath.Base(cc) == "g++" {
		args = append([]string{"-x", "c"}, args...)
	}
	if out, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		t.Fatalf("building the test library: %v\n%s", err, out)
	}
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func sym(t *testing.T, h uintptr, name string) uintptr {
	t.Helper()
	p, err := purego.Dlsym(h, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCallPassesEighteenIntegers checks every register and stack slot: each
// argument has its own weight and sign in weigh18, so a swapped or dropped
// argument changes the sum.
func TestCallPassesEighteenIntegers(t *testing.T) {
	h := openTestLib(t)
	fn := sym(t, h, "weigh18")
	var a [18]int64
	var want int64
	for k := range a {
		a[k] = int64(1)<<(2*k%40) + int64(k) - 7 // distinct, some negative
		sign := int64(1)
		if k%2 == 1 {
			sign = -1
		}
		want += int64(k+1) * a[k] * sign
	}
	u := func(k int) uintptr { return uintptr(a[k]) }
	r, _ := Call(fn, u(0), u(1), u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15), u(16), u(17), 0, 0)
	if got := int64(r); got != want {
		t.Fatalf("weigh18 through Call = %d, want %d", got, want)
	}
}

// TestCallMixesFloatsAndPointers checks the float registers beside integer
// ones, a double result, a pointer argument and memory the C side writes.
func TestCallMixesFloatsAndPointers(t *testing.T) {
	h := openTestLib(t)
	p := []float32{0, 0.25, 0}
	_, rf := Call(sym(t, h, "mix"), I32(-3), uintptr(unsafe.Pointer(&p[0])), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, F64(1.5), F32(2))
	if got, want := math.Float64frombits(rf), -3000.0+15+0.25+0.25; got != want {
		t.Fatalf("mix = %v, want %v", got, want)
	}
	dst := make([]float32, 5)
	Call(sym(t, h, "store"), I32(int32(len(dst))), uintptr(unsafe.Pointer(&dst[0])), I32(2), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, F32(0.5), 0)
	for j, v := range dst {
		if want := 0.5 * float32(j+2); v != want {
			t.Fatalf("store wrote dst[%d] = %v, want %v", j, v, want)
		}
	}
}
