// Package cuda is genxai's CUDA host layer: the driver API and cuBLAS bound
// at run time through purego (no cgo: it dlopens the libraries through
// cuda/dl and binds each C function to a Go func), the function table
// (Context and BLAS) that the CUDA backend's host logic is written against,
// and device discovery (Probe) and choice (Choose) for runs.
//
// The same CGO_ENABLED=0 binary runs on machines with and without a GPU: a
// missing library is not an error but the reason no GPU is used. The fake
// driver in cuda/fakecuda implements the same table in Go, so the host logic
// is tested on every machine; docs/cuda-host.md describes both.
package cuda

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"genxai/cuda/dl"
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
	// PeakFLOPS and PeakBandwidth are DeviceInfo's (0 when unknown).
	PeakFLOPS, PeakBandwidth float64
}

// String describes d in one line: name, memory in GiB, compute capability.
func (d Device) String() string {
	return fmt.Sprintf("cuda:%d %s (%.1f GiB, compute capability %s)", d.Index, d.Name, float64(d.MemoryBytes)/(1<<30), d.ComputeCapability)
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
// When no device is usable, devices is empty and reason says why (for a
// missing driver: which library names and folders were tried); when devices
// are found, reason is "".
func Probe() (devices []Device, driverVersion int, reason string) {
	probeOnce.Do(func() { probed = probe(LoadDriver) })
	return append([]Device(nil), probed.devices...), probed.version, probed.reason
}

// probe does Probe's work with the driver loader as a parameter, so tests
// can exercise the failure paths on any machine.
func probe(load func() (*Driver, error)) (res probeResult) {
	d, err := load()
	if err != nil {
		if errors.Is(err, dl.ErrNotFound) {
			return probeResult{reason: "no NVIDIA driver: " + err.Error()}
		}
		return probeResult{reason: "the NVIDIA driver library is unusable (driver too old?): " + err.Error()}
	}
	var ver int32
	if d.CuDriverGetVersion(&ver) == Success {
		res.version = int(ver)
	}
	if rc := d.CuInit(0); rc != Success {
		err := d.check("cuInit", rc)
		switch rc {
		case ErrorNoDevice:
			res.reason = fmt.Sprintf("the NVIDIA driver is installed but reports no CUDA device (%v); check CUDA_VISIBLE_DEVICES and nvidia-smi", err)
		case ErrorInsufficientDriver:
			res.reason = fmt.Sprintf("the NVIDIA driver is too old for this use (%v)", err)
		default:
			res.reason = fmt.Sprintf("the NVIDIA driver failed to initialise (%v); nvidia-smi may tell why", err)
		}
		return res
	}
	var n int32
	if err := d.check("cuDeviceGetCount", d.CuDeviceGetCount(&n)); err != nil {
		res.reason = err.Error()
		return res
	}
	if n == 0 {
		res.reason = "the NVIDIA driver reports no CUDA device; check CUDA_VISIBLE_DEVICES and nvidia-smi"
		return res
	}
	for i := int32(0); i < n; i++ {
		var dev int32
		if err := d.check("cuDeviceGet", d.CuDeviceGet(&dev, i)); err != nil {
			return probeResult{version: res.version, reason: fmt.Sprintf("device %d: %v", i, err)}
		}
		info, err := d.deviceInfo(dev)
		if err != nil {
			info.Name = fmt.Sprintf("unknown (%v)", err)
		}
		res.devices = append(res.devices, Device{
			Index:             int(i),
			Name:              info.Name,
			MemoryBytes:       info.TotalMem,
			ComputeCapability: fmt.Sprintf("%d.%d", info.Major, info.Minor),
			PeakFLOPS:         info.PeakFLOPS(),
			PeakBandwidth:     info.PeakBandwidth(),
		})
	}
	return res
}

// describe lists devices for a message.
func describe(devs []Device) string {
	parts := make([]string, len(devs))
	for i, d := range devs {
		parts[i] = d.String()
	}
	return strings.Join(parts, ", ")
}
