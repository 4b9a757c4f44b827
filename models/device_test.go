package models

import (
	"context"
	"image"
	"image/png"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
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

// TestTasksOnTheDevice: each family's training task on a device that
// queues steps (a CUDA backend on the fake driver) has every plan of its
// step captured as a CUDA graph and replayed (a GAN's discriminator and
// generator updates keep a gradient table each), reports its losses later
// (a GAN launches both updates and waits once per step, for the generated
// images), and equals the CPU's task: every loss and gradient norm, every
// tensor of the Store after six steps and every metric of the evaluation
// that follows them, within 1e-4 relative.
func TestTasksOnTheDevice(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		plans      int // plans a step runs, each captured at steps 2 and 3 and replayed after
		sets       []string
	}{
		{"vae", digitsVAE, 1, nil},
		{"classifier", digitsCNN, 1, nil},
		{"gan", digitsGAN, 3, []string{`metrics.classifier_run=""`}},
		{"lm", tinyLM, 1, nil},
		{"forecaster", tinyForecaster, 1, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cpuTask, want, lateCPU, _ := runTask(t, c.yaml, "cpu", c.sets, nil)
			f := fakeGPU(t)
			gpuTask, got, lateGPU, n := runTask(t, c.yaml, "cuda", c.sets, f)
			if n != c.plans*(taskSteps-1) {
				t.Errorf("%d graph launches in %d steps, want %d: a plan of the step is not captured", n, taskSteps, c.plans*(taskSteps-1))
			}
			if lateCPU != 0 || lateGPU < taskSteps-2 {
				t.Errorf("steps with late results: %d on the CPU (want 0), %d of %d on the fake GPU", lateCPU, lateGPU, taskSteps)
			}
			t.Logf("compared: %v", slices.Sorted(maps.Keys(want)))
			for i, key := range slices.Sorted(maps.Keys(want)) {
				for s := range want[key] {
					w, g := want[key][s], got[key][s]
					if d := math.Abs(g-w) / math.Max(math.Abs(w), 1e-30); d > 1e-4 {
						t.Errorf("step %d, %s (%d): %v on the fake GPU, %v on the CPU", s, key, i, g, w)
					}
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
					t.Errorf("%s: %.3g apart (scale %.3g) after %d steps", name, diff, scale, taskSteps)
				}
			}
		})
	}
}

// taskSteps is the number of steps runTask runs.
const taskSteps = 6

// runTask builds the training task of a config on device and runs
// taskSteps steps as the Loop does (a late result read after the next step
// is queued), then its evaluation; it returns the task (synced), each
// step's loss and metrics and the evaluation's by name, how many steps
// reported late, and the graph launches of the steps on the fake f (0 when
// nil).
func runTask(t *testing.T, yaml, device string, sets []string, f *fakecuda.Fake) (train.Task, map[string][]float64, int, int) {
	t.Helper()
	c := loadConfig(t, yaml, append(sets, "device="+device)...)
	fam, err := Lookup(c.String("model.kind"))
	if err != nil {
		t.Fatal(err)
	}
	task, err := fam.NewTask(c, train.OptimConfigFrom(c), "plan")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { task.Close() })
	out := map[string][]float64{}
	record := func(r train.StepResult) {
		out["loss"] = append(out["loss"], r.Loss)
		for k, v := range r.Metrics {
			out[k] = append(out[k], v)
		}
	}
	late := 0
	var pending func() (train.StepResult, error)
	settle := func() {
		if pending != nil {
			r, err := pending()
			if err != nil {
				t.Fatal(err)
			}
			record(r)
			pending = nil
		}
	}
	batch := c.Int("train.batch_size")
	seed := int64(c.Int("seed"))
	for step := range taskSteps {
		idx := make([]int, batch)
		for i := range idx {
			idx[i] = (step*batch + i) % task.TrainSize()
		}
		r, err := task.Step(train.StepInput{Batch: idx, Step: int64(step), LR: c.Float("train.lr"), Rng: train.StepRand(seed, int64(step)), Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		settle()
		if pending = r.Later; pending == nil {
			record(r)
		} else {
			late++
		}
	}
	settle()
	if err := task.Sync(); err != nil {
		t.Fatal(err)
	}
	launches := 0
	if f != nil {
		launches = f.Calls("cuGraphLaunch")
	}
	// The evaluation's plans run on the same backend, between steps.
	eval, err := task.Evaluate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range eval {
		out["eval "+k] = []float64{v}
	}
	return task, out, late, launches
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
