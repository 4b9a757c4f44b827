package engine_test

import (
	"testing"

	"genxai/engine"
	"genxai/engine/cpu"
	"genxai/nets"
	"genxai/train"
)

// TestPlanSteadyStateAllocatesNothing: once built, a plan's Run of the
// VAE's and the DCGAN generator's training steps (forward, backward, every
// gradient published; the latter with convolutions, upsampling and channel
// biases) allocates nothing on the Go heap, with every kernel split across
// three workers.
func TestPlanSteadyStateAllocatesNothing(t *testing.T) {
	for _, name := range []string{"vae-digits", "dcgan-g"} {
		t.Run(name, func(t *testing.T) {
			_, _, ex := stepped(t, parityModels[name], func(n *nets.Net) (engine.Executor, error) {
				return engine.NewPlan(cpu.New(cpu.Options{Workers: 3, MinParallel: 1}), n.G, n.Params(), engine.Keep(n.Kept()...))
			})
			if n := testing.AllocsPerRun(5, func() {
				if err := ex.Run(); err != nil {
					t.Fatal(err)
				}
			}); n != 0 {
				t.Errorf("a steady-state Run allocates %v times", n)
			}
		})
	}
}

// TestTrainerSteadyStateAllocatesNothing: the whole training step of the
// digits VAE on the plan (ε drawn by the backend, forward, backward, the
// clipped Adam update on resident buffers, the loss read back) allocates
// nothing on the Go heap once running, run as Step or as Launch and Done.
func TestTrainerSteadyStateAllocatesNothing(t *testing.T) {
	store := nets.NewStore(3)
	n, loss := parityModels["vae-digits"](t, store)
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	ws := engine.NewWorkspace(cpu.New(cpu.Options{Workers: 3, MinParallel: 1}))
	defer ws.Close()
	for _, name := range store.SortedNames() {
		ws.Add(name, store.Data(name))
	}
	eps := n.G.ByName("eps")
	if len(eps) != 1 {
		t.Fatalf("the VAE graph has %d nodes called eps", len(eps))
	}
	s, err := train.Prepare(n, loss, nil, "plan", train.OptimConfig{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, GradClip: 1}, ws, 0, train.NormalInput(eps[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Trainer.Close()
	step := int64(0)
	if n := testing.AllocsPerRun(5, func() {
		if _, _, err := s.Run(train.StepInput{Seed: 1, Step: step}, 1e-3, 0); err != nil {
			t.Fatal(err)
		}
		step++
	}); n != 0 {
		t.Errorf("a steady-state training step allocates %v times", n)
	}
	l := s.Trainer.(engine.Launcher) // the train loop's way, on the CPU a Step
	if n := testing.AllocsPerRun(5, func() {
		h, err := l.Launch(engine.StepArgs{Key: engine.RandomKey{Seed: 1, Step: uint64(step)}, LR: 1e-3, Update: step + 1})
		if err == nil {
			_, _, err = l.Done(h)
		}
		if err != nil || !h.Ready() {
			t.Fatal(err, h.Ready())
		}
		step++
	}); n != 0 {
		t.Errorf("a steady-state launched training step allocates %v times", n)
	}
}
