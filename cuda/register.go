package cuda

import (
	"fmt"
	"sync"
	"sync/atomic"

	"genxai/engine"
)

var registerOnce sync.Once

// tf32 is UseTF32's setting, for the backends engine.OpenBackend opens.
var tf32 atomic.Bool

// UseTF32 makes the backends engine.OpenBackend("cuda") opens from now on
// let cuBLAS use TF32 tensor cores for float32 products (BackendOptions.TF32;
// the training config's tf32 key).
func UseTF32(on bool) { tf32.Store(on) }

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
	b, err := NewBackend(ctx, BackendOptions{OwnContext: true, TF32: tf32.Load()})
	if err != nil {
		_ = ctx.Close()
		return nil, fmt.Errorf("starting on %s: %w", ctx.Info().Name, err)
	}
	return b, nil
}
