package cuda_test

import (
	"os"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/cuda/cudatest"
)

// TestRealDriver runs the conformance suite on the real driver and cuBLAS
// (device 0). It needs a GPU and GENXAI_GPU=1 (scripts/gpu-check.sh sets it).
func TestRealDriver(t *testing.T) {
	if os.Getenv("GENXAI_GPU") != "1" {
		t.Skip("set GENXAI_GPU=1 on a machine with an NVIDIA GPU to test the real driver (scripts/gpu-check.sh)")
	}
	cudatest.Run(t, func(t *testing.T) cuda.Context {
		c, err := cuda.Open(0)
		if err != nil {
			t.Fatalf("GENXAI_GPU=1 but no GPU: %v", err)
		}
		t.Logf("%+v", c.Info())
		return c
	})
}

// TestOpenWithoutDriver checks the failure path on machines without libcuda.
func TestOpenWithoutDriver(t *testing.T) {
	if _, err := cuda.LoadDriver(); err == nil {
		t.Skip("libcuda loads here; the failure path is for machines without a driver")
	}
	_, err := cuda.Open(0)
	if err == nil || !strings.Contains(err.Error(), "libcuda.so.1") || !strings.Contains(err.Error(), "GENXAI_CUDA_LIBS") {
		t.Fatalf("Open without a driver: %v", err)
	}
}

// TestLibrariesSayWhatWasTried checks `genxai devices`' library lines.
func TestLibrariesSayWhatWasTried(t *testing.T) {
	libs := cuda.Libraries()
	want := map[string]string{"CUDA driver": "libcuda.so.1", "cuBLAS": "libcublas.so.12", "NVRTC": "libnvrtc.so.12"}
	if len(libs) != len(want) {
		t.Fatalf("%d libraries: %v", len(libs), libs)
	}
	for _, l := range libs {
		tried, ok := want[l.Name]
		if !ok {
			t.Fatalf("unexpected library %q", l.Name)
		}
		line := l.String()
		if l.Err == nil {
			if l.Version == "" || l.Path == "" || !strings.Contains(line, l.Version) {
				t.Errorf("loaded %s without version or path: %q", l.Name, line)
			}
			t.Log(line)
			continue
		}
		if !strings.Contains(line, "unavailable") || !strings.Contains(line, tried) {
			t.Errorf("%s failed without saying it tried %s: %q", l.Name, tried, line)
		}
	}
}
