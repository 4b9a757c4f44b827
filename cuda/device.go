package cuda

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// Device attributes read by Open (CUdevice_attribute in cuda.h).
const (
	attrMaxThreadsPerBlock = 1
	attrMaxBlockDimX       = 2
	attrMaxGridDimX        = 5
	attrMaxSharedPerBlock  = 8
	attrClockRate          = 13
	attrMultiprocessors    = 16
	attrMemoryClockRate    = 36
	attrMemoryBusWidth     = 37
	attrComputeCapMajor    = 75
	attrComputeCapMinor    = 76
)

// Driver API flags.
const (
	streamNonBlocking    = 1 // CU_STREAM_NON_BLOCKING
	captureModeGlobal    = 0 // CU_STREAM_CAPTURE_MODE_GLOBAL
	eventDefault         = 0 // CU_EVENT_DEFAULT (timing on)
	eventDisableTiming   = 2 // CU_EVENT_DISABLE_TIMING
	maxCapturedLogLength = 512
)

// realContext is Context on the real driver: the primary context of one
// device, made current on each calling thread before each call.
type realContext struct {
	d    *Driver
	dev  int32
	ctx  uintptr
	info DeviceInfo
}

// Open initialises the driver and retains the primary context of device
// ordinal. Without a driver or device the error says what was tried.
func Open(ordinal int) (Context, error) {
	d, err := LoadDriver()
	if err != nil {
		return nil, err
	}
	if err := d.check("cuInit", d.CuInit(0)); err != nil {
		return nil, err
	}
	c := &realContext{d: d}
	if err := d.check("cuDeviceGet", d.CuDeviceGet(&c.dev, int32(ordinal))); err != nil {
		return nil, fmt.Errorf("device %d: %w", ordinal, err)
	}
	if c.info, err = d.deviceInfo(c.dev); err != nil {
		return nil, err
	}
	c.info.Ordinal = ordinal
	if err := d.check("cuDevicePrimaryCtxRetain", d.CuDevicePrimaryCtxRetain(&c.ctx, c.dev)); err != nil {
		return nil, err
	}
	return c, nil
}

// deviceInfo reads a device's name, memory and launch limits.
func (d *Driver) deviceInfo(dev int32) (DeviceInfo, error) {
	info := DeviceInfo{}
	var ver int32
	if d.CuDriverGetVersion(&ver) == Success {
		info.DriverVersion = int(ver)
	}
	name := make([]byte, 256)
	if err := d.check("cuDeviceGetName", d.CuDeviceGetName(&name[0], int32(len(name)), dev)); err != nil {
		return info, err
	}
	info.Name, _, _ = strings.Cut(string(name), "\x00")
	if err := d.check("cuDeviceTotalMem_v2", d.CuDeviceTotalMem(&info.TotalMem, dev)); err != nil {
		return info, err
	}
	attr := func(a int32) int {
		var v int32
		if err := d.check("cuDeviceGetAttribute", d.CuDeviceGetAttribute(&v, a, dev)); err != nil && info.Name != "" {
			info.Name += fmt.Sprintf(" (attribute %d unreadable: %v)", a, err)
		}
		return int(v)
	}
	info.Major, info.Minor = attr(attrComputeCapMajor), attr(attrComputeCapMinor)
	info.Multiprocessors = attr(attrMultiprocessors)
	info.MaxThreadsPerBlock = attr(attrMaxThreadsPerBlock)
	info.MaxSharedPerBlock = attr(attrMaxSharedPerBlock)
	info.ClockKHz, info.MemoryClockKHz = attr(attrClockRate), attr(attrMemoryClockRate)
	info.MemoryBusWidth = attr(attrMemoryBusWidth)
	info.MaxBlock = Dim3{uint32(attr(attrMaxBlockDimX)), uint32(attr(attrMaxBlockDimX + 1)), uint32(attr(attrMaxBlockDimX + 2))}
	info.MaxGrid = Dim3{uint32(attr(attrMaxGridDimX)), uint32(attr(attrMaxGridDimX + 1)), uint32(attr(attrMaxGridDimX + 2))}
	return info, nil
}

// cur makes the context current on this OS thread. The driver's current
// context is per thread and goroutines move between threads, so every call
// sets it; cuCtxSetCurrent on the already-current context is cheap.
func (c *realContext) cur(call string, rc func() Result) error {
	return c.current(func() error { return c.d.check(call, rc()) })
}

// current runs f on a locked OS thread with the context current there.
func (c *realContext) current(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := c.d.check("cuCtxSetCurrent", c.d.CuCtxSetCurrent(c.ctx)); err != nil {
		return err
	}
	return f()
}

func (c *realContext) Info() DeviceInfo { return c.info }

func (c *realContext) Close() error {
	return c.d.check("cuDevicePrimaryCtxRelease_v2", c.d.CuDevicePrimaryCtxRelease(c.dev))
}

func (c *realContext) Alloc(bytes int) (DevicePtr, error) {
	var p uint64
	err := c.cur("cuMemAlloc_v2", func() Result { return c.d.CuMemAlloc(&p, uintptr(bytes)) })
	return DevicePtr(p), err
}

func (c *realContext) Free(p DevicePtr) error {
	return c.cur("cuMemFree_v2", func() Result { return c.d.CuMemFree(uint64(p)) })
}

func (c *realContext) AllocHost(bytes int) ([]byte, error) {
	if bytes <= 0 {
		return nil, Errorf("cuMemAllocHost_v2", ErrorInvalidValue, "size %d: must be positive", bytes)
	}
	var p unsafe.Pointer
	if err := c.cur("cuMemAllocHost_v2", func() Result { return c.d.CuMemAllocHost(&p, uintptr(bytes)) }); err != nil {
		return nil, err
	}
	return unsafe.Slice((*byte)(p), bytes), nil
}

func (c *realContext) FreeHost(b []byte) error {
	if len(b) == 0 {
		return Errorf("cuMemFreeHost", ErrorInvalidValue, "empty buffer: pass the slice AllocHost returned")
	}
	return c.cur("cuMemFreeHost", func() Result { return c.d.CuMemFreeHost(unsafe.Pointer(&b[0])) })
}

func (c *realContext) NewStream() (Stream, error) {
	var s uintptr
	err := c.cur("cuStreamCreate", func() Result { return c.d.CuStreamCreate(&s, streamNonBlocking) })
	return Stream(s), err
}

func (c *realContext) DestroyStream(s Stream) error {
	return c.cur("cuStreamDestroy_v2", func() Result { return c.d.CuStreamDestroy(uintptr(s)) })
}

func (c *realContext) SyncStream(s Stream) error {
	return c.cur("cuStreamSynchronize", func() Result { return c.d.CuStreamSynchronize(uintptr(s)) })
}

func (c *realContext) Synchronize() error {
	return c.cur("cuCtxSynchronize", c.d.CuCtxSynchronize)
}

// hostPtr is the address of b's first byte; a Go slice's backing array
// does not move, and purego keeps it alive for the call. Pageable memory is
// staged by the driver before an HtoD call returns and a DtoH call into it
// completes before returning, so the Go memory is not used after the call.
func hostPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

func (c *realContext) CopyHtoD(dst DevicePtr, src []byte, s Stream) error {
	return c.cur("cuMemcpyHtoDAsync_v2", func() Result {
		return c.d.CuMemcpyHtoDAsync(uint64(dst), hostPtr(src), uintptr(len(src)), uintptr(s))
	})
}

func (c *realContext) CopyDtoH(dst []byte, src DevicePtr, s Stream) error {
	return c.cur("cuMemcpyDtoHAsync_v2", func() Result {
		return c.d.CuMemcpyDtoHAsync(hostPtr(dst), uint64(src), uintptr(len(dst)), uintptr(s))
	})
}

func (c *realContext) CopyDtoD(dst, src DevicePtr, bytes int, s Stream) error {
	return c.cur("cuMemcpyDtoDAsync_v2", func() Result {
		return c.d.CuMemcpyDtoDAsync(uint64(dst), uint64(src), uintptr(bytes), uintptr(s))
	})
}

func (c *realContext) MemsetD32(dst DevicePtr, value uint32, count int, s Stream) error {
	return c.cur("cuMemsetD32Async", func() Result {
		return c.d.CuMemsetD32Async(uint64(dst), value, uintptr(count), uintptr(s))
	})
}

func (c *realContext) LoadModule(image []byte) (Module, error) {
	// PTX must be NUL-terminated; a cubin is read by its own header, so the
	// extra byte is harmless.
	img := append(append(make([]byte, 0, len(image)+1), image...), 0)
	var m uintptr
	err := c.cur("cuModuleLoadData", func() Result { return c.d.CuModuleLoadData(&m, unsafe.Pointer(&img[0])) })
	runtime.KeepAlive(img)
	return Module(m), err
}

func (c *realContext) UnloadModule(m Module) error {
	return c.cur("cuModuleUnload", func() Result { return c.d.CuModuleUnload(uintptr(m)) })
}

func (c *realContext) Function(m Module, name string) (Function, error) {
	var f uintptr
	err := c.cur("cuModuleGetFunction", func() Result { return c.d.CuModuleGetFunction(&f, uintptr(m), name) })
	if err != nil {
		return 0, fmt.Errorf("kernel %q: %w", name, err)
	}
	return Function(f), nil
}

func (c *realContext) Launch(f Function, grid, block Dim3, sharedBytes int, s Stream, args ...any) error {
	p, err := packParams("cuLaunchKernel", args)
	if err != nil {
		return err
	}
	defer p.unpin()
	return c.cur("cuLaunchKernel", func() Result {
		return c.d.CuLaunchKernel(uintptr(f), grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, uint32(sharedBytes), uintptr(s), p.array(), nil)
	})
}

func (c *realContext) NewEvent(timing bool) (Event, error) {
	var e uintptr
	flags := uint32(eventDisableTiming)
	if timing {
		flags = eventDefault
	}
	err := c.cur("cuEventCreate", func() Result { return c.d.CuEventCreate(&e, flags) })
	return Event(e), err
}

func (c *realContext) RecordEvent(e Event, s Stream) error {
	return c.cur("cuEventRecord", func() Result { return c.d.CuEventRecord(uintptr(e), uintptr(s)) })
}

func (c *realContext) SyncEvent(e Event) error {
	return c.cur("cuEventSynchronize", func() Result { return c.d.CuEventSynchronize(uintptr(e)) })
}

func (c *realContext) ElapsedMs(start, end Event) (float32, error) {
	var ms float32
	err := c.cur("cuEventElapsedTime", func() Result { return c.d.CuEventElapsedTime(&ms, uintptr(start), uintptr(end)) })
	return ms, err
}

func (c *realContext) DestroyEvent(e Event) error {
	return c.cur("cuEventDestroy_v2", func() Result { return c.d.CuEventDestroy(uintptr(e)) })
}

func (c *realContext) BeginCapture(s Stream) error {
	return c.cur("cuStreamBeginCapture_v2", func() Result { return c.d.CuStreamBeginCapture(uintptr(s), captureModeGlobal) })
}

func (c *realContext) EndCapture(s Stream) (Graph, error) {
	var g uintptr
	err := c.cur("cuStreamEndCapture", func() Result { return c.d.CuStreamEndCapture(uintptr(s), &g) })
	return Graph(g), err
}

func (c *realContext) Instantiate(g Graph) (GraphExec, error) {
	var x uintptr
	if c.d.CuGraphInstantiateWithFlags != nil {
		err := c.cur("cuGraphInstantiateWithFlags", func() Result { return c.d.CuGraphInstantiateWithFlags(&x, uintptr(g), 0) })
		return GraphExec(x), err
	}
	log := make([]byte, maxCapturedLogLength)
	err := c.cur("cuGraphInstantiate_v2", func() Result {
		return c.d.CuGraphInstantiate(&x, uintptr(g), nil, &log[0], uintptr(len(log)))
	})
	if err != nil {
		msg, _, _ := strings.Cut(string(log), "\x00")
		return 0, fmt.Errorf("%w: %s", err, msg)
	}
	return GraphExec(x), nil
}

func (c *realContext) LaunchGraph(x GraphExec, s Stream) error {
	return c.cur("cuGraphLaunch", func() Result { return c.d.CuGraphLaunch(uintptr(x), uintptr(s)) })
}

func (c *realContext) DestroyGraphExec(x GraphExec) error {
	return c.cur("cuGraphExecDestroy", func() Result { return c.d.CuGraphExecDestroy(uintptr(x)) })
}

func (c *realContext) DestroyGraph(g Graph) error {
	return c.cur("cuGraphDestroy", func() Result { return c.d.CuGraphDestroy(uintptr(g)) })
}
