package models

import (
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
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
// the run resolves to (the fake sees its launches) and draw the same
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
	resolveDevice = func(string, string) (string, string, error) { return "cuda", "a fake GPU for the test", nil }
	t.Cleanup(func() { resolveDevice = train.ResolveDevice })
	onGPU := draw("cuda.png")
	if n := f.Calls("cuLaunchKernel"); n == 0 {
		t.Fatal("sampling on device cuda launched no kernel on the fake GPU")
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
