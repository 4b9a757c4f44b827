package models

import (
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/fakecuda/cpukernels"
	"genxai/engine"
	"genxai/train"
)

// TestSampleRunsOnTheRunsDevice samples a trained VAE twice, on the CPU and
// on a CUDA backend over the fake driver (kernels running the CPU backend's
// code, a plain GEMM for cuBLAS): the decoder's plan must run on the device
// the command asked for with UseDevice (the fake sees its launches) and draw the same
// picture, pixel for pixel within one grey level.
func TestSampleRunsOnTheRunsDevice(t *testing.T) {
	dir := t.TempDir()
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsVAE, "train.epochs=1"), OutDir: dir, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	draw := func(name string) string {
		out := filepath.Join(dir, name)
		if _, err := Sample(dir, SampleOptions{N: 16, Seed: 3, Class: -1, Out: out}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	onCPU := draw("cpu.png")

	f := fakecuda.New(cuda.Hopper())
	engine.RegisterBackend("cuda", func() (engine.Backend, error) {
		return cuda.NewBackend(f, cuda.BackendOptions{Compiler: cpukernels.Install(f, nil)})
	})
	// The fake machine has a GPU only for an explicit device: cuda, which
	// the run's config (device: auto) does not ask for; --device does.
	resolveDevice = func(device, _ string) (string, string, error) {
		if device != "cuda" {
			return "cpu", "device " + device + ": the CPU", nil
		}
		return "cuda", "device: cuda was requested: a fake GPU", nil
	}
	var told strings.Builder
	UseDevice("cuda", &told)
	t.Cleanup(func() { resolveDevice = train.ResolveDevice; UseDevice("", nil) })
	onGPU := draw("cuda.png")
	if n := f.Calls("cuLaunchKernel"); n == 0 {
		t.Fatal("sampling with UseDevice(cuda) launched no kernel on the fake GPU")
	}
	if !strings.Contains(told.String(), "a fake GPU") {
		t.Errorf("UseDevice's log got %q, want the reason of the device choice", told.String())
	}

	a, b := decodePNG(t, onCPU), decodePNG(t, onGPU)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("pictures of %v and %v", a.Bounds(), b.Bounds())
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			ca, _, _, _ := a.At(x, y).RGBA()
			cb, _, _, _ := b.At(x, y).RGBA()
			if d := int(ca>>8) - int(cb>>8); d > 1 || d < -1 {
				t.Fatalf("pixel (%d,%d): %d on the CPU, %d on the fake GPU", x, y, ca>>8, cb>>8)
			}
		}
	}
}

// decodePNG reads the picture at path.
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
