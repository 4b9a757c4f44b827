package cuda

import (
	"fmt"
	"sync"

	"genxai/engine"
)

var registerOnce sync.Once

// Register makes the CUDA backend available to the engine as
// engine.OpenBackend("cuda"): each open retains device 0's primary context
// and returns a new Backend that owns it (Close releases it). Choose calls
// it when it resolves a run to CUDA; engine does not import this package.
// An open that fails (Choose saw the device a moment before) panics with
// the reason, as engine.OpenBackend's openers cannot return errors.
func Register() {
	registerOnce.Do(func() { engine.RegisterBackend("cuda", openDefault) })
}

// openDefault opens the backend on device 0 with the default compiler.
func openDefault() engine.Backend {
	ctx, err := Open(0)
	if err != nil {
		panic(fmt.Sprintf("cuda: opening device 0 for the CUDA backend: %v (genxai devices shows what the machine has; set device: cpu to run without it)", err))
	}
	b, err := NewBackend(ctx, BackendOptions{OwnContext: true})
	if err != nil {
		_ = ctx.Close()
		panic(fmt.Sprintf("cuda: starting the CUDA backend on %s: %v", ctx.Info().Name, err))
	}
	return b
}
