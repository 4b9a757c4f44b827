package cuda

import (
	"fmt"
	"unsafe"
)

// DevicePtr is an address in device memory (a CUdeviceptr).
type DevicePtr uint64

// Handles of driver objects. They are opaque: the real driver's are its own
// pointers, the fake driver's are small counters.
type (
	// Stream is a CUstream: an ordered queue of work on the device.
	Stream uintptr
	// Event is a CUevent: a marker in a stream, for timing and waiting.
	Event uintptr
	// Module is a CUmodule: loaded device code (PTX or a cubin).
	Module uintptr
	// Function is a CUfunction: one kernel of a module.
	Function uintptr
	// Graph is a CUgraph: work captured from a stream.
	Graph uintptr
	// GraphExec is a CUgraphExec: an instantiated graph, ready to replay.
	GraphExec uintptr
)

// Dim3 is a grid or block shape.
type Dim3 struct{ X, Y, Z uint32 }

// D1 is the one-dimensional shape (n, 1, 1).
func D1(n int) Dim3 { return Dim3{uint32(n), 1, 1} }

// D3 is the shape (x, y, z).
func D3(x, y, z int) Dim3 { return Dim3{uint32(x), uint32(y), uint32(z)} }

// Count is X·Y·Z.
func (d Dim3) Count() uint64 { return uint64(d.X) * uint64(d.Y) * uint64(d.Z) }

// String formats d as (x,y,z).
func (d Dim3) String() string { return fmt.Sprintf("(%d,%d,%d)", d.X, d.Y, d.Z) }

// DeviceInfo is what a context knows about its device: identity and the
// launch limits that kernels must respect.
type DeviceInfo struct {
	// Ordinal is the device index.
	Ordinal int
	// Name is the product name.
	Name string
	// Major and Minor are the compute capability, e.g. 9 and 0.
	Major, Minor int
	// TotalMem is the device memory in bytes.
	TotalMem uint64
	// Multiprocessors is the number of SMs.
	Multiprocessors int
	// MaxThreadsPerBlock bounds a block's X·Y·Z (1024 on every current GPU).
	MaxThreadsPerBlock int
	// MaxBlock and MaxGrid bound each block and grid dimension.
	MaxBlock, MaxGrid Dim3
	// MaxSharedPerBlock is the shared memory a block may use, static plus
	// dynamic, without opting in to more (48 KiB).
	MaxSharedPerBlock int
	// DriverVersion is the driver's CUDA version, 1000·major + 10·minor.
	DriverVersion int
	// ClockKHz is the SMs' peak clock, MemoryClockKHz the memory's, and
	// MemoryBusWidth the memory bus in bits (0 when the driver does not say).
	ClockKHz, MemoryClockKHz, MemoryBusWidth int
}

// fp32Lanes returns the FP32 lanes (FMA units) of one SM of compute
// capability major.minor, from the CUDA C++ Programming Guide's table of
// arithmetic throughput per SM: 64 on 6.0, 7.x and 8.0 (P100, V100, T4,
// A100), 128 on the others since 6.1 (consumer Pascal, 8.6–8.9 Ampere and
// Ada, 9.0 Hopper, Blackwell); 0 when unknown.
func fp32Lanes(major, minor int) int {
	switch {
	case major == 6 && minor == 0, major == 7, major == 8 && minor == 0:
		return 64
	case major >= 6:
		return 128
	}
	return 0
}

// PeakFLOPS is the device's peak FP32 rate without tensor cores (a fused
// multiply-add counts as two operations): SMs × FP32 lanes × 2 × clock.
// genxai computes in FP32 (TF32 only when asked), so this is the roof its
// products run against; 0 when the driver gave no clock.
func (d DeviceInfo) PeakFLOPS() float64 {
	return float64(d.Multiprocessors) * float64(fp32Lanes(d.Major, d.Minor)) * 2 * float64(d.ClockKHz) * 1e3
}

// PeakBandwidth is the device memory's peak rate in bytes per second:
// two transfers per memory clock (double data rate) over the bus; 0 when
// the driver gave no memory clock or bus width.
func (d DeviceInfo) PeakBandwidth() float64 {
	return 2 * float64(d.MemoryClockKHz) * 1e3 * float64(d.MemoryBusWidth) / 8
}

// Hopper is the DeviceInfo of an H100/H200 class device (compute capability
// 9.0): the fake driver's default and the limits its launch checks enforce.
func Hopper() DeviceInfo {
	return DeviceInfo{
		Name: "genxai fake H200", Major: 9, Minor: 0, TotalMem: 141 << 30, Multiprocessors: 132,
		MaxThreadsPerBlock: 1024, MaxBlock: Dim3{1024, 1024, 64}, MaxGrid: Dim3{1<<31 - 1, 65535, 65535},
		MaxSharedPerBlock: 48 << 10, DriverVersion: 12040,
		ClockKHz: 1980000, MemoryClockKHz: 3201000, MemoryBusWidth: 6144,
	}
}

// Context is the function table of genxai's CUDA backend: one device's
// primary context with its memory, streams, modules, launches, events and
// graph capture. The real driver (Open) and the fake driver (package
// cuda/fakecuda) implement it, so host logic written against it runs, and
// is tested, on both. Every method maps to the driver call named in its
// doc; errors are *Error naming that call.
//
// All work is asynchronous on a stream: it is done when SyncStream,
// SyncEvent or Synchronize returns. Host buffers given to copies must stay
// valid and unchanged until then; buffers from AllocHost (pinned) are the
// only host memory a captured graph may copy from or to.
type Context interface {
	// Info describes the device.
	Info() DeviceInfo
	// Close releases the context (cuDevicePrimaryCtxRelease). The fake
	// reports leaked allocations, streams, events, modules and graphs.
	Close() error

	// Alloc allocates device memory (cuMemAlloc_v2).
	Alloc(bytes int) (DevicePtr, error)
	// Free frees device memory from Alloc (cuMemFree_v2).
	Free(p DevicePtr) error
	// AllocHost allocates pinned host memory (cuMemAllocHost_v2).
	AllocHost(bytes int) ([]byte, error)
	// FreeHost frees memory from AllocHost (cuMemFreeHost).
	FreeHost(b []byte) error

	// NewStream creates a non-blocking stream (cuStreamCreate).
	NewStream() (Stream, error)
	// DestroyStream destroys s (cuStreamDestroy_v2).
	DestroyStream(s Stream) error
	// SyncStream waits for s's work (cuStreamSynchronize).
	SyncStream(s Stream) error
	// Synchronize waits for all work of the context (cuCtxSynchronize).
	Synchronize() error

	// CopyHtoD copies src to dst on s (cuMemcpyHtoDAsync_v2).
	CopyHtoD(dst DevicePtr, src []byte, s Stream) error
	// CopyDtoH copies len(dst) bytes from src on s (cuMemcpyDtoHAsync_v2).
	CopyDtoH(dst []byte, src DevicePtr, s Stream) error
	// CopyDtoD copies bytes between device buffers on s (cuMemcpyDtoDAsync_v2).
	CopyDtoD(dst, src DevicePtr, bytes int, s Stream) error
	// MemsetD32 sets count 32-bit words at dst to value on s (cuMemsetD32Async).
	MemsetD32(dst DevicePtr, value uint32, count int, s Stream) error

	// LoadModule loads PTX text or a cubin (cuModuleLoadData).
	LoadModule(image []byte) (Module, error)
	// UnloadModule unloads m (cuModuleUnload).
	UnloadModule(m Module) error
	// Function finds a kernel of m by name (cuModuleGetFunction).
	Function(m Module, name string) (Function, error)
	// Launch runs f over grid×block with sharedBytes of dynamic shared
	// memory on s (cuLaunchKernel). Each argument is a DevicePtr, int32,
	// uint32, int64, uint64, float32 or float64, in the kernel's order.
	Launch(f Function, grid, block Dim3, sharedBytes int, s Stream, args ...any) error

	// NewEvent creates an event (cuEventCreate): with timing, ElapsedMs
	// measures between two; without (CU_EVENT_DISABLE_TIMING), recording
	// and waiting cost less, the choice for events only waited on.
	NewEvent(timing bool) (Event, error)
	// RecordEvent records e on s (cuEventRecord).
	RecordEvent(e Event, s Stream) error
	// SyncEvent waits until e's work is done (cuEventSynchronize).
	SyncEvent(e Event) error
	// ElapsedMs is the time between two completed events (cuEventElapsedTime).
	ElapsedMs(start, end Event) (float32, error)
	// DestroyEvent destroys e (cuEventDestroy_v2).
	DestroyEvent(e Event) error

	// BeginCapture starts capturing s's work into a graph instead of
	// running it (cuStreamBeginCapture_v2, global mode).
	BeginCapture(s Stream) error
	// EndCapture ends the capture and returns the graph (cuStreamEndCapture).
	EndCapture(s Stream) (Graph, error)
	// Instantiate makes g replayable (cuGraphInstantiateWithFlags).
	Instantiate(g Graph) (GraphExec, error)
	// LaunchGraph replays x on s (cuGraphLaunch).
	LaunchGraph(x GraphExec, s Stream) error
	// DestroyGraphExec destroys x (cuGraphExecDestroy).
	DestroyGraphExec(x GraphExec) error
	// DestroyGraph destroys g (cuGraphDestroy).
	DestroyGraph(g Graph) error

	// NewBLAS creates a BLAS handle on this context (cublasCreate_v2).
	NewBLAS() (BLAS, error)
}

// KernelArgs checks that every launch argument has a type Launch accepts,
// returning an error that names call and the bad argument.
func KernelArgs(call string, args []any) error {
	for i, a := range args {
		switch a.(type) {
		case DevicePtr, int32, uint32, int64, uint64, float32, float64:
		default:
			return Errorf(call, ErrorInvalidValue, "kernel argument %d has Go type %T; pass DevicePtr, int32, uint32, int64, uint64, float32 or float64", i, a)
		}
	}
	return nil
}

// Float32Bytes views f's memory as bytes (for copies), without copying.
func Float32Bytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

// BytesFloat32 views b's memory as float32 values (len(b)/4 of them),
// without copying; b must be 4-byte aligned, as AllocHost's memory is.
func BytesFloat32(b []byte) []float32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}
