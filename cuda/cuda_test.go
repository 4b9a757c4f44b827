package cuda

import (
	"errors"
	"strings"
	"testing"

	"genxai/cuda/dl"
	"genxai/engine"
)

func TestProbeMissingLibrary(t *testing.T) {
	t.Setenv("GENXAI_CUDA_LIBS", "/nonexistent/genxai-test")
	res := probe(func() (*Driver, error) {
		l, err := dl.Open("the CUDA driver (libcuda)", "libcuda-genxai-test-missing.so.1")
		if err != nil {
			return nil, err
		}
		return bindDriver(l)
	})
	if len(res.devices) != 0 || res.version != 0 {
		t.Fatalf("devices %v version %d from a missing library", res.devices, res.version)
	}
	for _, want := range []string{"no NVIDIA driver", "libcuda-genxai-test-missing.so.1", "/nonexistent/genxai-test"} {
		if !strings.Contains(res.reason, want) {
			t.Errorf("reason %q does not say %q", res.reason, want)
		}
	}
}

func TestProbeNotADriver(t *testing.T) {
	// A real shared library that is not the CUDA driver: the missing
	// symbols become a reason naming the first one, not a crash.
	res := probe(func() (*Driver, error) {
		l, err := dl.Open("libm", "libm.so.6")
		if err != nil {
			t.Skipf("no libm.so.6: %v", err)
		}
		return bindDriver(l)
	})
	if len(res.devices) != 0 || !strings.Contains(res.reason, "has no function cuGetErrorName") || !strings.Contains(res.reason, "unusable") {
		t.Fatalf("libm.so.6: %+v", res)
	}
}

func TestProbeThisMachine(t *testing.T) {
	devs, ver, why := Probe()
	if len(devs) == 0 {
		if why == "" {
			t.Fatal("no devices and no reason")
		}
		t.Logf("no GPU: %s", why)
		return
	}
	if why != "" {
		t.Fatalf("devices found but reason %q", why)
	}
	if ver < 1000 {
		t.Fatalf("driver version %d", ver)
	}
	for i, d := range devs {
		if d.Index != i || d.Name == "" || d.MemoryBytes < 1<<28 || !strings.Contains(d.ComputeCapability, ".") || d.ComputeCapability == "0.0" {
			t.Fatalf("device %+v", d)
		}
		t.Log(d)
	}
}

func TestChoose(t *testing.T) {
	none := func() ([]Device, int, string) {
		return nil, 0, "no NVIDIA driver: the CUDA driver (libcuda) not found: tried libcuda.so.1"
	}
	h100 := func() ([]Device, int, string) {
		return []Device{{Index: 0, Name: "NVIDIA H100", MemoryBytes: 80 << 30, ComputeCapability: "9.0"}}, 12040, ""
	}
	ok := func() error { return nil }
	noNVRTC := func() error { return errors.New("NVRTC does not load: libnvrtc.so.12 not found") }
	for _, in := range []string{"cpu", " CPU "} {
		dev, why, err := choose(in, h100, ok)
		if err != nil || dev != "cpu" || why == "" {
			t.Fatalf("%q: %q %q %v", in, dev, why, err)
		}
	}
	for _, in := range []string{"auto", "", "Auto"} {
		dev, why, err := choose(in, none, ok)
		if err != nil || dev != "cpu" || !strings.Contains(why, "no NVIDIA driver") {
			t.Fatalf("%q without GPU: %q %q %v", in, dev, why, err)
		}
		dev, why, err = choose(in, h100, noNVRTC)
		if err != nil || dev != "cpu" || !strings.Contains(why, "NVIDIA H100") || !strings.Contains(why, "libnvrtc") {
			t.Fatalf("%q with GPU, without NVRTC: %q %q %v", in, dev, why, err)
		}
		dev, why, err = choose(in, h100, ok)
		if err != nil || dev != "cuda" || !strings.Contains(why, "auto chose the GPU") || !strings.Contains(why, "NVIDIA H100") || !strings.Contains(why, "12.4") {
			t.Fatalf("%q with GPU: %q %q %v", in, dev, why, err)
		}
	}
	// Choosing CUDA registered the backend: opening it gets as far as the
	// driver (which this machine may lack: the opener then says so).
	be, err := engine.OpenBackend("cuda")
	if err != nil {
		if !strings.Contains(err.Error(), "opening device 0") {
			t.Fatalf("opening the registered backend: %v", err)
		}
	} else if err := be.(*Backend).Close(); err != nil {
		t.Fatal(err)
	}
	if dev, why, err := choose("cuda", h100, ok); err != nil || dev != "cuda" || !strings.Contains(why, "cuda was requested") {
		t.Fatalf("cuda with GPU: %q %q %v", dev, why, err)
	}
	_, _, err = choose("cuda", h100, noNVRTC)
	if err == nil || !strings.Contains(err.Error(), "libnvrtc") || !strings.Contains(err.Error(), "NVIDIA H100") {
		t.Fatalf("cuda with GPU, without NVRTC: %v", err)
	}
	_, _, err = choose("cuda", none, ok)
	if err == nil || !strings.Contains(err.Error(), "no NVIDIA driver") {
		t.Fatalf("cuda without GPU: %v", err)
	}
	_, _, err = choose("tpu", none, ok)
	if err == nil || !strings.Contains(err.Error(), `"tpu"`) || !strings.Contains(err.Error(), "auto, cpu or cuda") {
		t.Fatalf("tpu: %v", err)
	}
	// The exported function works on this machine.
	if dev, why, err := Choose("auto"); err != nil || dev != "cpu" || why == "" {
		t.Fatalf("Choose(auto) = %q %q %v", dev, why, err)
	}
}
