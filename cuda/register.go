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
// An open that fails (Choose saw the device a moment before) returns the
// reason.
func Register() {
	registerOnce.Do(func() { engine.RegisterBackend("cuda", openDefault) })
}

// openDefault opens the backend on device 0 with the default compiler.
func openDefault() (engine.Backend, error) {
	ctx, err := Open(0)
	if err != nil {
		return nil, fmt.Errorf("opening device 0: %w (genxai devices shows what the machine has; set device: cpu to run without it)", err)
	}
	b, err := NewBackend(ctx, BackendOptions{OwnContext: true})
	if err != nil {
		_ = ctx.Close()
		return nil, fmt.Errorf("starting on %s: %w", ctx.Info().Name, err)
	}
	return b, nil
}
