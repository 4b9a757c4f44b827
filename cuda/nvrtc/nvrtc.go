// Package nvrtc binds NVIDIA's runtime compiler (NVRTC) through purego, so
// CUDA C++ kernels are compiled to PTX or CUBIN at run time without cgo.
// Load finds libnvrtc (sonames .13, .12, .11.2) with cuda/dl; Compile turns
// a source and options into code and the compiler's log; Cache keeps
// compiled code on disk by content hash, options and NVRTC version.
package nvrtc

import (
	"fmt"
	"sync"
	"unsafe"

	"genxai/cuda/dl"
)

// Sonames are the library names tried, newest first.
var Sonames = []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"}

// api is the bound function table.
type api struct {
	lib          *dl.Library
	version      func(major, minor *int32) int32
	errorString  func(res int32) string
	create       func(prog *uintptr, src, name string, nHeaders int32, headers, names unsafe.Pointer) int32
	compile      func(prog uintptr, nOpts int32, opts unsafe.Pointer) int32
	logSize      func(prog uintptr, size *uintptr) int32
	log          func(prog uintptr, buf unsafe.Pointer) int32
	ptxSize      func(prog uintptr, size *uintptr) int32
	ptx          func(prog uintptr, buf unsafe.Pointer) int32
	cubinSize    func(prog uintptr, size *uintptr) int32 // nil before NVRTC 11.1
	cubin        func(prog uintptr, buf unsafe.Pointer) int32
	destroy      func(prog *uintptr) int32
	major, minor int
}

var (
	loadOnce sync.Once
	loaded   *api
	loadErr  error
)

// Load opens and binds libnvrtc once; later calls return the first result.
func Load() error {
	loadOnce.Do(func() { loaded, loadErr = bind() })
	return loadErr
}

func bind() (*api, error) {
	lib, err := dl.Open("NVRTC (libnvrtc)", Sonames...)
	if err != nil {
		return nil, err
	}
	a := &api{lib: lib}
	for _, f := range []struct {
		fn  any
		sym string
	}{
		{&a.version, "nvrtcVersion"}, {&a.errorString, "nvrtcGetErrorString"},
		{&a.create, "nvrtcCreateProgram"}, {&a.compile, "nvrtcCompileProgram"},
		{&a.logSize, "nvrtcGetProgramLogSize"}, {&a.log, "nvrtcGetProgramLog"},
		{&a.ptxSize, "nvrtcGetPTXSize"}, {&a.ptx, "nvrtcGetPTX"}, {&a.destroy, "nvrtcDestroyProgram"},
	} {
		if err := lib.Bind(f.fn, f.sym); err != nil {
			return nil, err
		}
	}
	if lib.Bind(&a.cubinSize, "nvrtcGetCUBINSize") != nil || lib.Bind(&a.cubin, "nvrtcGetCUBIN") != nil {
		a.cubinSize, a.cubin = nil, nil
	}
	var major, minor int32
	if res := a.version(&major, &minor); res != 0 {
		return nil, fmt.Errorf("nvrtcVersion in %s failed: %s", lib.Path, a.errText(res))
	}
	a.major, a.minor = int(major), int(minor)
	return a, nil
}

// errText is NVRTC's message for result code res.
func (a *api) errText(res int32) string { return fmt.Sprintf("%s (%d)", a.errorString(res), res) }

// Version returns NVRTC's major and minor version (Load first).
func Version() (major, minor int, err error) {
	if err := Load(); err != nil {
		return 0, 0, err
	}
	return loaded.major, loaded.minor, nil
}

// Library is the path or name libnvrtc was opened by.
func Library() (string, error) {
	if err := Load(); err != nil {
		return "", err
	}
	return loaded.lib.Path, nil
}
