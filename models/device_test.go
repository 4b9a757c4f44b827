package models

import (
	"context"
	"image"
	"image/png"
	"io"
	"math"
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

	f := fakeGPU(t)
	var told strings.Builder
	UseDevice("cuda", &told)
	t.Cleanup(func() { UseDevice("", nil) })
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

// fakeGPU makes the runs and tasks of this test that ask for device: cuda
// (explicitly: auto stays on the CPU) run on a CUDA backend over a fake
// driver whose kernels run the CPU backend's code, with a plain GEMM for
// cuBLAS, and returns the fake (which counts the driver calls).
func fakeGPU(t *testing.T) *fakecuda.Fake {
	f := fakecuda.New(cuda.Hopper())
	engine.RegisterBackend("cuda", func() (engine.Backend, error) {
		return cuda.NewBackend(f, cuda.BackendOptions{Compiler: cpukernels.Install(f, nil)})
	})
	resolveDevice = func(device, _ string) (string, string, error) {
		if device != "cuda" {
			return "cpu", "device " + device + ": the CPU", nil
		}
		return "cuda", "device: cuda was requested: a fake GPU", nil
	}
	t.Cleanup(func() { resolveDevice = train.ResolveDevice })
	return f
}

// TestGANStepLateOnTheDevice: on a device that queues steps, a GAN step's
// three plans are captured as CUDA graphs and replayed (the discriminator's
// and the generator's updates each keep their own gradient table), the
// updates are launched and their losses reported later (the host waits
// once per step, for the generated images), and the steps equal the CPU's:
// every loss and gradient norm, and every tensor of the Store after six
// steps, within 1e-4 relative.
func TestGANStepLateOnTheDevice(t *testing.T) {
	run := func(device string) (*GANTask, []float64, int) {
		c := loadConfig(t, digitsGAN, "device="+device, `metrics.classifier_run=""`)
		task, err := NewGANTask(c, train.OptimConfigFrom(c), "plan")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { task.Close() })
		var losses []float64
		late := 0
		var pending func() (train.StepResult, error)
		settle := func() {
			if pending != nil {
				r, err := pending()
				if err != nil {
					t.Fatal(err)
				}
				losses, pending = append(losses, r.Loss, r.Metrics["d_loss"], r.Metrics["d_grad_norm"], r.Metrics["g_grad_norm"]), nil
			}
		}
		for step := range 6 {
			idx := make([]int, 16)
			for i := range idx {
				idx[i] = step*16 + i
			}
			r, err := task.Step(train.StepInput{Batch: idx, Step: int64(step), LR: 2e-4, Rng: train.StepRand(6, int64(step)), Seed: 6})
			if err != nil {
				t.Fatal(err)
			}
			settle()
			if pending = r.Later; pending == nil {
				losses = append(losses, r.Loss, r.Metrics["d_loss"], r.Metrics["d_grad_norm"], r.Metrics["g_grad_norm"])
			} else {
				late++
			}
		}
		settle()
		if err := task.Sync(); err != nil {
			t.Fatal(err)
		}
		return task, losses, late
	}
	cpuTask, want, lateCPU := run("cpu")
	f := fakeGPU(t)
	gpuTask, got, lateGPU := run("cuda")
	// Each of the step's three plans (the generated images, the
	// discriminator's and the generator's updates) runs its first step
	// eagerly, captures the next two and replays its graphs after that.
	if n := f.Calls("cuGraphLaunch"); n != 3*(6-1) {
		t.Errorf("%d graph launches in six steps, want %d: a plan of the GAN step is not captured", n, 3*(6-1))
	}
	if lateCPU != 0 || lateGPU < 3 {
		t.Errorf("steps with late results: %d on the CPU (want 0), %d of 6 on the fake GPU (want the captured ones)", lateCPU, lateGPU)
	}
	for i := range want {
		if d := math.Abs(got[i]-want[i]) / math.Max(math.Abs(want[i]), 1e-30); d > 1e-4 {
			t.Errorf("step %d, %s: %v on the fake GPU, %v on the CPU", i/4, [4]string{"g_loss", "d_loss", "d_grad_norm", "g_grad_norm"}[i%4], got[i], want[i])
		}
	}
	for _, name := range cpuTask.Store().SortedNames() {
		a, b := cpuTask.Store().Data(name), gpuTask.Store().Data(name)
		var diff, scale float64
		for i := range a {
			diff = math.Max(diff, math.Abs(float64(a[i]-b[i])))
			scale = math.Max(scale, math.Abs(float64(a[i])))
		}
		if diff > 1e-4*math.Max(scale, 1e-6) {
			t.Errorf("%s: %.3g apart (scale %.3g) after six steps", name, diff, scale)
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
