package nvrtc

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// Output is what one compilation produced.
type Output struct {
	// PTX is the PTX text (for a compute_XX target; empty for sm_XX when
	// NVRTC leaves none).
	PTX []byte
	// CUBIN is the device binary (for an sm_XX target on NVRTC ≥ 11.1).
	CUBIN []byte
	// Log is the compiler's log: warnings, and ptxas's report under -Xptxas=-v.
	Log string
}

// cStrings returns NUL-terminated copies of ss and a C array of pointers to
// them; keep the returned slices alive until the call returns.
func cStrings(ss []string) ([][]byte, []*byte) {
	bufs := make([][]byte, len(ss))
	ptrs := make([]*byte, len(ss)+1)
	for i, s := range ss {
		bufs[i] = append([]byte(s), 0)
		ptrs[i] = &bufs[i][0]
	}
	return bufs, ptrs
}

// Compile compiles the CUDA C++ source (named name in messages) with the
// given options (e.g. "--gpu-architecture=sm_90", "-Xptxas=-v"). A compile
// error is returned with the log, which names the lines at fault.
func Compile(name, source string, options []string) (Output, error) {
	if err := Load(); err != nil {
		return Output{}, err
	}
	a := loaded
	var prog uintptr
	if res := a.create(&prog, source, name, 0, nil, nil); res != 0 {
		return Output{}, fmt.Errorf("nvrtc: creating program %s: %s", name, a.errText(res))
	}
	defer a.destroy(&prog)
	bufs, ptrs := cStrings(options)
	res := a.compile(prog, int32(len(options)), unsafe.Pointer(&ptrs[0]))
	runtime.KeepAlive(bufs)
	runtime.KeepAlive(ptrs)
	var out Output
	var err error
	if out.Log, err = fetch(a.logSize, a.log, prog); err != nil {
		return out, err
	}
	out.Log = strings.TrimRight(out.Log, "\x00")
	if res != 0 {
		return out, fmt.Errorf("nvrtc: compiling %s with %v: %s:\n%s", name, options, a.errText(res), out.Log)
	}
	if ptx, err := fetch(a.ptxSize, a.ptx, prog); err == nil {
		out.PTX = []byte(strings.TrimRight(ptx, "\x00"))
	}
	if a.cubinSize != nil {
		if bin, err := fetch(a.cubinSize, a.cubin, prog); err == nil {
			out.CUBIN = []byte(bin)
		}
	}
	if len(out.PTX) == 0 && len(out.CUBIN) == 0 {
		return out, fmt.Errorf("nvrtc: compiling %s with %v produced neither PTX nor CUBIN", name, options)
	}
	return out, nil
}

// fetch reads one of the program's outputs through its size and copy calls.
func fetch(size func(uintptr, *uintptr) int32, get func(uintptr, unsafe.Pointer) int32, prog uintptr) (string, error) {
	var n uintptr
	if res := size(prog, &n); res != 0 {
		return "", fmt.Errorf("nvrtc: reading an output size: %s", loaded.errText(res))
	}
	if n == 0 {
		return "", nil
	}
	buf := make([]byte, n)
	if res := get(prog, unsafe.Pointer(&buf[0])); res != 0 {
		return "", fmt.Errorf("nvrtc: reading an output: %s", loaded.errText(res))
	}
	return string(buf), nil
}
