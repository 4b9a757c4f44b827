package models

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"syscall"
	"testing"
	"time"

	"genxai/engine"

	"genxai/engine/blas"
	"genxai/nets"
	"genxai/train"
)

// benchExecutor is the executor the step benchmarks (BenchmarkVAEStep,
// BenchmarkCNNStep, BenchmarkDCGANStep, BenchmarkTransformerStep) run on:
// go test -bench Step ./models -args -executor=plan. The benchmark names stay
// those scripts/bench runs; docs/performance.md compares the two.
var benchExecutor = flag.String("executor", "tape", "executor of the step benchmarks: tape or plan")

// benchDevice is the device the step benchmarks run on (the config key
// device: cpu, cuda or auto); cpu unless asked, so that CPU measurements
// stay CPU measurements on a machine with a GPU:
// go test -bench Step ./models -args -executor=plan -device=cuda.
var benchDevice = flag.String("device", "cpu", "device of the step benchmarks: cpu, cuda or auto")

// benchProfile, when positive, times every program step of the plans a
// step benchmark builds (engine.StartProfile) and logs the benchProfile
// longest step names with their share of the time:
// go test -bench DCGANStep ./models -args -executor=plan -plan-profile=25.
var benchProfile = flag.Int("plan-profile", 0, "with -executor=plan: log the N program steps the step takes longest in")

// processCPU returns the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process's CPU time per step since start as
// cpu-ms/op: on a machine shared with other work, a step's CPU time moves
// far less than its wall time (which counts the time it waited for a core),
// so comparisons of two builds on a busy machine read it first.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/1e6/float64(b.N), "cpu-ms/op")
}

// startProfile starts the plan profile when -plan-profile asks for it.
func startProfile() {
	if *benchProfile > 0 {
		engine.StartProfile()
	}
}

// logProfile logs and ends the plan profile startProfile began.
func logProfile(b *testing.B) {
	if *benchProfile <= 0 {
		return
	}
	fmt.Printf("plan profile of %s, b.N = %d (every run, the first included):\n", b.Name(), b.N)
	engine.WriteTimes(os.Stdout, engine.StopProfile(), *benchProfile)
}

// logBLAS installs genxai's BLAS (before a benchmark builds its graphs,
// which take the BLAS installed then) and logs it with OpenBLAS's build line,
// which names the kernel family (core) it runs: scripts/bench/steps.sh prints
// the core each benchmark process actually used.
func logBLAS(b *testing.B) {
	b.Logf("BLAS: %s; %s", blas.Use(), blas.Config())
}

// BenchmarkVAEStep times one optimizer step (forward, backward, Adam) of the
// Fashion-MNIST MLP VAE, 784-400-20-400-784, batch 128, on random pixels.
// scripts/bench/steps.sh runs it beside the same step in PyTorch.
func BenchmarkVAEStep(b *testing.B) {
	logBLAS(b)
	startProfile()
	defer logProfile(b)
	cfg := nets.VAEConfig{Arch: "mlp", C: 1, H: 28, W: 28, Hidden: []int{400}, Latent: 20, Activation: "relu", Likelihood: "bernoulli", Beta: 1}
	m, err := nets.NewVAE(nets.NewStore(1), cfg, 128, true)
	if err != nil {
		b.Fatal(err)
	}
	st := m.Net.Store
	ws, err := train.NewWorkspace(*benchExecutor, *benchDevice, st)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	step, err := train.Prepare(m.Net, m.Loss, nil, *benchExecutor, train.OptimConfig{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, ws, 0, train.NormalInput(m.Eps))
	if err != nil {
		b.Fatal(err)
	}
	defer step.Trainer.Close()
	rng := rand.New(rand.NewSource(1))
	x := m.Net.InputData("x")
	for j := range x {
		x[j] = rng.Float32()
	}
	w := m.Net.InputData("row_weight")
	for i := range w {
		w[i] = 1.0 / 128
	}
	b.Logf("executor: %s", step.Trainer.Name())
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for i := 0; i < b.N; i++ {
		if _, _, err := step.Run(train.StepInput{Seed: 1, Step: int64(i)}, 1e-3, 0); err != nil {
			b.Fatal(err)
		}
	}
}
