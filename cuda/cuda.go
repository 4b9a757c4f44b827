// Package cuda finds NVIDIA GPUs through the CUDA driver API and decides
// which device a run uses. It has no kernels yet: genxai executes on the
// CPU, and this package reports what it saw so that logs and summary.json
// can say why.
//
// The driver library, libcuda.so.1, is opened at run time with
// github.com/ebitengine/purego, which calls C functions from Go without cgo:
// it dlopens the library and binds each symbol (cuInit, cuDeviceGetCount, …)
// to a Go function value. Builds therefore need no CUDA toolkit and no C
// compiler (CGO_ENABLED=0 go build works), and the same binary runs on
// machines with and without a GPU. A missing library is not an error; it is
// the reason no GPU is used.
package cuda

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// libraryName is the CUDA driver library's soname.
const libraryName = "libcuda.so.1"

// Driver API constants (cuda.h).
const (
	cudaSuccess            = 0
	attrComputeCapMajor    = 75 // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
	attrComputeCapMinor    = 76 // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
	errorNoDevice          = 100
	errorInsufficientDrive = 35
)

// Device describes one CUDA device as the driver reports it.
type Device struct {
	// Index is the device ordinal (after CUDA_VISIBLE_DEVICES filtering).
	Index int
	// Name is the product name, e.g. "NVIDIA H100 80GB HBM3".
	Name string
	// MemoryBytes is the total device memory.
	MemoryBytes uint64
	// ComputeCapability is "major.minor", e.g. "9.0".
	ComputeCapability string
}

// String describes d in one line: name, memory in GiB, compute capability.
func (d Device) String() string {
	return fmt.Sprintf("cuda:%d %s (%.1f GiB, compute capability %s)", d.Index, d.Name, float64(d.MemoryBytes)/(1<<30), d.ComputeCapability)
}

// driver holds the bound driver functions.
type driver struct {
	cuInit               func(flags uint32) int32
	cuDriverGetVersion   func(version *int32) int32
	cuDeviceGetCount     func(count *int32) int32
	cuDeviceGet          func(dev *int32, ordinal int32) int32
	cuDeviceGetName      func(name *byte, n int32, dev int32) int32
	cuDeviceTotalMem     func(bytes *uint64, dev int32) int32
	cuDeviceGetAttribute func(v *int32, attr int32, dev int32) int32
	cuGetErrorName       func(code int32, name **byte) int32
}

// errName returns the driver's name for code, e.g. "CUDA_ERROR_NO_DEVICE".
func (d *driver) errName(code int32) string {
	var p *byte
	if d.cuGetErrorName != nil && d.cuGetErrorName(code, &p) == cudaSuccess && p != nil {
		return goString(p)
	}
	return fmt.Sprintf("CUDA error %d", code)
}

// goString copies a NUL-terminated C string.
func goString(p *byte) string {
	var b []byte
	for q := p; *q != 0; q = nextByte(q) {
		b = append(b, *q)
		if len(b) > 4096 {
			break
		}
	}
	return string(b)
}

type probeResult struct {
	devices []Device
	version int
	reason  string
}

var (
	probeOnce sync.Once
	probed    probeResult
)

// Probe loads the CUDA driver (once per process), initialises it and lists
// the devices. driverVersion is the driver's CUDA version as the driver API
// encodes it (1000×major + 10×minor, e.g. 12040 for 12.4), 0 when unknown.
// When no device is usable, devices is empty and reason says why, e.g.
// "libcuda.so.1 not found: no NVIDIA driver on this machine"; when devices
// are found, reason is "".
func Probe() (devices []Device, driverVersion int, reason string) {
	probeOnce.Do(func() { probed = probe(libraryName) })
	return append([]Device(nil), probed.devices...), probed.version, probed.reason
}

// probe does Probe's work with the library name as a parameter, so tests can
// exercise the missing-library path on any machine.
func probe(lib string) (res probeResult) {
	if runtime.GOOS != "linux" {
		return probeResult{reason: fmt.Sprintf("CUDA discovery is implemented for Linux only, this is %s", runtime.GOOS)}
	}
	// dlerror's message is per OS thread: pin the goroutine so the message
	// read after a failed dlopen is this call's (unpinned, a test saw an
	// empty one once).
	runtime.LockOSThread()
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	runtime.UnlockOSThread()
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "No such file") || strings.Contains(msg, "cannot open shared object") {
			return probeResult{reason: lib + " not found: no NVIDIA driver on this machine"}
		}
		return probeResult{reason: fmt.Sprintf("%s could not be loaded: %v", lib, err)}
	}
	d := &driver{}
	defer func() {
		if r := recover(); r != nil {
			res = probeResult{reason: fmt.Sprintf("%s loaded but a driver function is missing (driver too old?): %v", lib, r)}
		}
	}()
	purego.RegisterLibFunc(&d.cuInit, h, "cuInit")
	purego.RegisterLibFunc(&d.cuDriverGetVersion, h, "cuDriverGetVersion")
	purego.RegisterLibFunc(&d.cuDeviceGetCount, h, "cuDeviceGetCount")
	purego.RegisterLibFunc(&d.cuDeviceGet, h, "cuDeviceGet")
	purego.RegisterLibFunc(&d.cuDeviceGetName, h, "cuDeviceGetName")
	purego.RegisterLibFunc(&d.cuDeviceTotalMem, h, "cuDeviceTotalMem_v2")
	purego.RegisterLibFunc(&d.cuDeviceGetAttribute, h, "cuDeviceGetAttribute")
	purego.RegisterLibFunc(&d.cuGetErrorName, h, "cuGetErrorName")

	var ver int32
	if rc := d.cuDriverGetVersion(&ver); rc == cudaSuccess {
		res.version = int(ver)
	}
	if rc := d.cuInit(0); rc != cudaSuccess {
		switch rc {
		case errorNoDevice:
			res.reason = fmt.Sprintf("the NVIDIA driver is installed but reports no CUDA device (cuInit: %s); check CUDA_VISIBLE_DEVICES and nvidia-smi", d.errName(rc))
		case errorInsufficientDrive:
			res.reason = fmt.Sprintf("the NVIDIA driver is too old for this use (cuInit: %s)", d.errName(rc))
		default:
			res.reason = fmt.Sprintf("the NVIDIA driver failed to initialise (cuInit: %s); nvidia-smi may tell why", d.errName(rc))
		}
		return res
	}
	var n int32
	if rc := d.cuDeviceGetCount(&n); rc != cudaSuccess {
		res.reason = fmt.Sprintf("cuDeviceGetCount failed: %s", d.errName(rc))
		return res
	}
	if n == 0 {
		res.reason = "the NVIDIA driver reports no CUDA device; check CUDA_VISIBLE_DEVICES and nvidia-smi"
		return res
	}
	for i := int32(0); i < n; i++ {
		var dev int32
		if rc := d.cuDeviceGet(&dev, i); rc != cudaSuccess {
			res.reason = fmt.Sprintf("cuDeviceGet(%d) failed: %s", i, d.errName(rc))
			res.devices = nil
			return res
		}
		name := make([]byte, 256)
		if rc := d.cuDeviceGetName(&name[0], int32(len(name)), dev); rc != cudaSuccess {
			name = []byte(fmt.Sprintf("unknown (cuDeviceGetName: %s)", d.errName(rc)))
		}
		if k := strings.IndexByte(string(name), 0); k >= 0 {
			name = name[:k]
		}
		var mem uint64
		d.cuDeviceTotalMem(&mem, dev)
		var major, minor int32
		d.cuDeviceGetAttribute(&major, attrComputeCapMajor, dev)
		d.cuDeviceGetAttribute(&minor, attrComputeCapMinor, dev)
		res.devices = append(res.devices, Device{
			Index:             int(i),
			Name:              string(name),
			MemoryBytes:       mem,
			ComputeCapability: fmt.Sprintf("%d.%d", major, minor),
		})
	}
	return res
}

// Choose resolves the config value device (auto, cpu or cuda; case and
// surrounding spaces ignored, "" means auto) to the device a run uses and
// a sentence saying why, for the log and summary.json.
//
// genxai has no CUDA execution backend yet, so "auto" always resolves to
// "cpu", and its reason says whether a GPU was seen; "cuda" is an error that
// says so plainly; any other value is an error listing the allowed ones.
func Choose(requested string) (device string, reason string, err error) {
	return choose(requested, Probe)
}

func choose(requested string, probe func() ([]Device, int, string)) (string, string, error) {
	switch strings.ToLower(strings.TrimSpace(requested)) {
	case "cpu":
		return "cpu", "device: cpu was requested", nil
	case "", "auto":
		devs, _, why := probe()
		if len(devs) == 0 {
			return "cpu", "device: auto chose the CPU: no usable GPU (" + why + ")", nil
		}
		return "cpu", fmt.Sprintf("device: auto chose the CPU: found %s, but genxai's CUDA execution backend is not implemented yet", describe(devs)), nil
	case "cuda":
		devs, _, why := probe()
		seen := "and no usable GPU was found (" + why + ")"
		if len(devs) > 0 {
			seen = "although " + describe(devs) + " is present"
		}
		return "", "", fmt.Errorf("device: cuda was requested, but genxai cannot run on a GPU yet: its CUDA execution backend is not implemented, %s; set device: cpu or device: auto", seen)
	default:
		return "", "", fmt.Errorf("device: %q is not allowed; use auto, cpu or cuda", requested)
	}
}

// describe lists devices for a message.
func describe(devs []Device) string {
	parts := make([]string, len(devs))
	for i, d := range devs {
		parts[i] = d.String()
	}
	return strings.Join(parts, ", ")
}
