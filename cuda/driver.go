package cuda

import (
	"sync"
	"unsafe"

	"genxai/cuda/dl"
)

// driverSonames are the names the CUDA driver library goes by.
var driverSonames = []string{"libcuda.so.1", "libcuda.so"}

// Driver holds the CUDA driver API (libcuda) bound through purego: one Go
// func per C function, with the C signature (CUdeviceptr as uint64, handles
// as uintptr, out-parameters as pointers). Callers go through Context; the
// fields are exported for tests and for calls the table lacks.
type Driver struct {
	// Lib is the opened libcuda.
	Lib *dl.Library

	CuInit                      func(flags uint32) Result
	CuDriverGetVersion          func(version *int32) Result
	CuDeviceGet                 func(dev *int32, ordinal int32) Result
	CuDeviceGetCount            func(count *int32) Result
	CuDeviceGetName             func(name *byte, n int32, dev int32) Result
	CuDeviceTotalMem            func(bytes *uint64, dev int32) Result
	CuDeviceGetAttribute        func(v *int32, attr int32, dev int32) Result
	CuDevicePrimaryCtxRetain    func(ctx *uintptr, dev int32) Result
	CuDevicePrimaryCtxRelease   func(dev int32) Result
	CuCtxSetCurrent             func(ctx uintptr) Result
	CuCtxSynchronize            func() Result
	CuStreamCreate              func(s *uintptr, flags uint32) Result
	CuStreamDestroy             func(s uintptr) Result
	CuStreamSynchronize         func(s uintptr) Result
	CuEventCreate               func(e *uintptr, flags uint32) Result
	CuEventRecord               func(e, s uintptr) Result
	CuEventSynchronize          func(e uintptr) Result
	CuEventElapsedTime          func(ms *float32, start, end uintptr) Result
	CuEventDestroy              func(e uintptr) Result
	CuMemAlloc                  func(p *uint64, bytes uintptr) Result
	CuMemFree                   func(p uint64) Result
	CuMemAllocHost              func(p *unsafe.Pointer, bytes uintptr) Result
	CuMemFreeHost               func(p unsafe.Pointer) Result
	CuMemcpyHtoDAsync           func(dst uint64, src unsafe.Pointer, bytes uintptr, s uintptr) Result
	CuMemcpyDtoHAsync           func(dst unsafe.Pointer, src uint64, bytes uintptr, s uintptr) Result
	CuMemcpyDtoDAsync           func(dst, src uint64, bytes uintptr, s uintptr) Result
	CuMemsetD32Async            func(dst uint64, value uint32, count uintptr, s uintptr) Result
	CuModuleLoadData            func(m *uintptr, image unsafe.Pointer) Result
	CuModuleUnload              func(m uintptr) Result
	CuModuleGetFunction         func(f *uintptr, m uintptr, name string) Result
	CuLaunchKernel              func(f uintptr, gx, gy, gz, bx, by, bz, shared uint32, s uintptr, params unsafe.Pointer, extra unsafe.Pointer) Result
	CuStreamBeginCapture        func(s uintptr, mode int32) Result
	CuStreamEndCapture          func(s uintptr, g *uintptr) Result
	CuGraphInstantiateWithFlags func(x *uintptr, g uintptr, flags uint64) Result
	CuGraphInstantiate          func(x *uintptr, g uintptr, errNode *uintptr, log *byte, logSize uintptr) Result
	CuGraphLaunch               func(x, s uintptr) Result
	CuGraphExecDestroy          func(x uintptr) Result
	CuGraphDestroy              func(g uintptr) Result
	CuGetErrorName              func(code Result, name **byte) Result
	CuGetErrorString            func(code Result, s **byte) Result
}

// symbols pairs each field of d with its C symbol, in the order bound. The
// _v2 names are the ones cuda.h's macros select for 64-bit builds.
func (d *Driver) symbols() []symbol {
	return []symbol{
		{&d.CuGetErrorName, "cuGetErrorName"}, {&d.CuGetErrorString, "cuGetErrorString"},
		{&d.CuInit, "cuInit"}, {&d.CuDriverGetVersion, "cuDriverGetVersion"},
		{&d.CuDeviceGet, "cuDeviceGet"}, {&d.CuDeviceGetCount, "cuDeviceGetCount"},
		{&d.CuDeviceGetName, "cuDeviceGetName"}, {&d.CuDeviceTotalMem, "cuDeviceTotalMem_v2"},
		{&d.CuDeviceGetAttribute, "cuDeviceGetAttribute"},
		{&d.CuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"}, {&d.CuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"},
		{&d.CuCtxSetCurrent, "cuCtxSetCurrent"}, {&d.CuCtxSynchronize, "cuCtxSynchronize"},
		{&d.CuStreamCreate, "cuStreamCreate"}, {&d.CuStreamDestroy, "cuStreamDestroy_v2"},
		{&d.CuStreamSynchronize, "cuStreamSynchronize"},
		{&d.CuEventCreate, "cuEventCreate"}, {&d.CuEventRecord, "cuEventRecord"},
		{&d.CuEventSynchronize, "cuEventSynchronize"}, {&d.CuEventElapsedTime, "cuEventElapsedTime"},
		{&d.CuEventDestroy, "cuEventDestroy_v2"},
		{&d.CuMemAlloc, "cuMemAlloc_v2"}, {&d.CuMemFree, "cuMemFree_v2"},
		{&d.CuMemAllocHost, "cuMemAllocHost_v2"}, {&d.CuMemFreeHost, "cuMemFreeHost"},
		{&d.CuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2"}, {&d.CuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2"},
		{&d.CuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2"}, {&d.CuMemsetD32Async, "cuMemsetD32Async"},
		{&d.CuModuleLoadData, "cuModuleLoadData"}, {&d.CuModuleUnload, "cuModuleUnload"},
		{&d.CuModuleGetFunction, "cuModuleGetFunction"}, {&d.CuLaunchKernel, "cuLaunchKernel"},
		{&d.CuStreamBeginCapture, "cuStreamBeginCapture_v2"}, {&d.CuStreamEndCapture, "cuStreamEndCapture"},
		{&d.CuGraphLaunch, "cuGraphLaunch"}, {&d.CuGraphExecDestroy, "cuGraphExecDestroy"},
		{&d.CuGraphDestroy, "cuGraphDestroy"},
	}
}

// symbol is one C function to bind into a Go func variable.
type symbol struct {
	fn   any
	name string
}

// bindAll binds every symbol from l, stopping at the first missing one.
func bindAll(l *dl.Library, syms []symbol) error {
	for _, s := range syms {
		if err := l.Bind(s.fn, s.name); err != nil {
			return err
		}
	}
	return nil
}

// bindDriver binds the driver API from l. cuGraphInstantiateWithFlags is
// preferred (CUDA ≥ 11.4); older drivers get cuGraphInstantiate_v2.
func bindDriver(l *dl.Library) (*Driver, error) {
	d := &Driver{Lib: l}
	if err := bindAll(l, d.symbols()); err != nil {
		return nil, err
	}
	if l.Bind(&d.CuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags") != nil {
		if err := l.Bind(&d.CuGraphInstantiate, "cuGraphInstantiate_v2"); err != nil {
			return nil, err
		}
	}
	return d, nil
}

var (
	driverOnce sync.Once
	driverLib  *Driver
	driverErr  error
)

// LoadDriver opens libcuda and binds the driver API, once per process. The
// error says which library names and folders were tried (cuda/dl) or which
// function the library lacks.
func LoadDriver() (*Driver, error) {
	driverOnce.Do(func() {
		driverLib, driverErr = openAndBind("the CUDA driver (libcuda)", driverSonames, bindDriver)
	})
	return driverLib, driverErr
}

// openAndBind opens the first of sonames that loads and binds it.
func openAndBind[T any](what string, sonames []string, bind func(*dl.Library) (*T, error)) (*T, error) {
	l, err := dl.Open(what, sonames...)
	if err != nil {
		return nil, err
	}
	return bind(l)
}

// check turns a driver status into nil or an *Error naming call, with the
// driver's own name and description of the code.
func (d *Driver) check(call string, rc Result) error {
	if rc == Success {
		return nil
	}
	e := &Error{Call: call, Code: rc, Name: rc.String()}
	var p *byte
	if d.CuGetErrorName(rc, &p) == Success && p != nil {
		e.Name = goString(p)
	}
	if d.CuGetErrorString(rc, &p) == Success && p != nil {
		e.Detail = goString(p)
	}
	return e
}

// goString copies a NUL-terminated C string (at most 4 KiB of it).
func goString(p *byte) string {
	var b []byte
	for q := p; *q != 0 && len(b) < 4096; q = (*byte)(unsafe.Add(unsafe.Pointer(q), 1)) {
		b = append(b, *q)
	}
	return string(b)
}
