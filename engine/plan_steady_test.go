package engine_test

import (
	"testing"

	"genxai/engine"
	"genxai/engine/cpu"
	"genxai/nets"
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
