package nvrtc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tiny = `extern "C" __global__ void axpy(float a, const float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i] + expf(x[i]);
}
`

func need(t *testing.T) {
	t.Helper()
	if err := Load(); err != nil {
		t.Skipf("libnvrtc absent, NVRTC tests skipped (install libnvrtc11.2 and libnvrtc-builtins11.8 from Debian non-free): %v", err)
	}
}

func TestCompilePTXAndCubin(t *testing.T) {
	need(t)
	major, minor, _ := Version()
	t.Logf("NVRTC %d.%d from %s", major, minor, must(Library()))
	out, err := Compile("tiny.cu", tiny, []string{"--gpu-architecture=compute_90"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.PTX, []byte(".entry axpy")) {
		t.Fatalf("PTX has no entry axpy:\n%s", out.PTX)
	}
	out, err = Compile("tiny.cu", tiny, []string{"--gpu-architecture=sm_90", "-Xptxas=-v"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CUBIN) < 4 || string(out.CUBIN[1:4]) != "ELF" {
		t.Fatalf("CUBIN is not an ELF file (%d bytes)", len(out.CUBIN))
	}
	us, err := ParseUsage(out.Log)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 || us[0].Kernel != "axpy" || us[0].Registers <= 0 || us[0].SpillStores != 0 {
		t.Fatalf("usage %+v from log:\n%s", us, out.Log)
	}
}

func must(s string, err error) string {
	if err != nil {
		return err.Error()
	}
	return s
}

func TestCompileErrorHasLog(t *testing.T) {
	need(t)
	_, err := Compile("broken.cu", "extern \"C\" __global__ void f() { undefined_thing(); }", []string{"--gpu-architecture=compute_90"})
	if err == nil || !strings.Contains(err.Error(), "undefined_thing") {
		t.Fatalf("error %v does not quote the log", err)
	}
}

func TestCacheStoresAndReuses(t *testing.T) {
	need(t)
	c := Cache{Dir: t.TempDir()}
	opts := []string{"--gpu-architecture=compute_90"}
	first, err := c.Get("tiny.cu", "h1", tiny, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(c.Dir, "*.ptx"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one .ptx file", files)
	}
	// A poisoned entry proves the second call reads the file, not the compiler.
	if err := os.WriteFile(files[0], []byte("cached"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := c.Get("tiny.cu", "h1", tiny, opts, false)
	if err != nil || string(again) != "cached" {
		t.Fatalf("second Get = %q, %v; want the cached file", again, err)
	}
	other, err := c.Get("tiny.cu", "h1", tiny, append(opts, "--fmad=false"), false)
	if err != nil || !bytes.Equal(other[:20], first[:20]) || string(other) == "cached" {
		t.Fatalf("other options must compile afresh: %q, %v", other, err)
	}
}

func TestParseUsage(t *testing.T) {
	log := `ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function 'k1' for 'sm_90'
ptxas info    : Function properties for k1
    8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
ptxas info    : Used 40 registers, 1024 bytes smem, 380 bytes cmem[0]
ptxas info    : Compiling entry function 'k2' for 'sm_90'
ptxas info    : Function properties for k2
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 12 registers, 380 bytes cmem[0]
`
	us, err := ParseUsage(log)
	if err != nil {
		t.Fatal(err)
	}
	want := []Usage{{"k1", 40, 1024, 8, 4, 4}, {"k2", 12, 0, 0, 0, 0}}
	if len(us) != 2 || us[0] != want[0] || us[1] != want[1] {
		t.Fatalf("got %+v, want %+v", us, want)
	}
	if _, err := ParseUsage("nothing here"); err == nil {
		t.Fatal("a log without entries must be an error")
	}
}
