package models

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"genxai/config"
	"genxai/data"
	"genxai/engine"
	"genxai/nets"
	"genxai/runs/checkpoint"
	"genxai/train"

	G "gorgonia.org/gorgonia"
)

// Run is a trained run directory opened for use: its resolved config and its
// verified checkpoint. Its methods rebuild the run's models with their trained
// weights; a method that needs another kind of model than the run holds
// returns an error naming both.
type Run struct {
	Dir     string
	Config  *config.Config
	Tensors []checkpoint.Tensor
	Meta    checkpoint.Meta
	Kind    string // model.kind: vae, classifier, gan, lm

	executor          string // overrides train.executor when set (UseExecutor)
	deviceChecked     bool
	device, deviceWhy string            // the resolved device and why (workspace)
	ws                *engine.Workspace // the plans' workspace on a GPU; nil on the CPU
	trainSet, testSet *data.Images
}

// Open loads the config.yaml and the checkpoint (tensors checked against their
// SHA-256) of the run directory dir, written by genxai train.
func Open(dir string) (*Run, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, fmt.Errorf("no run directory given: pass --run DIR, a directory written by genxai train")
	}
	c, err := LoadConfig(filepath.Join(dir, "config.yaml"), nil)
	if err != nil {
		return nil, fmt.Errorf("opening run %s: reading its config: %w", dir, err)
	}
	ts, meta, err := checkpoint.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("opening run %s: %w", dir, err)
	}
	return &Run{Dir: dir, Config: c, Tensors: ts, Meta: meta, Kind: c.String("model.kind")}, nil
}

// Expect returns an error unless the run holds one of the given model kinds;
// what names the use (an explanation method, a config key) for the message.
func (r *Run) Expect(what string, kinds ...string) error {
	if slices.Contains(kinds, r.Kind) {
		return nil
	}
	return fmt.Errorf("%s needs a run of kind %s, but %s holds a %q model (model.kind in %s/config.yaml)",
		what, strings.Join(kinds, " or "), r.Dir, r.Kind, r.Dir)
}

// UseExecutor makes later Executor calls use the named executor instead of
// the run's train.executor (an explanation's --executor); "" keeps the run's.
func (r *Run) UseExecutor(name string) { r.executor = name }

// Executor returns the executor for a graph rebuilt from the run: on the
// run's device (its config's device, resolved as training resolves it) with
// the run's executor (train.executor, unless UseExecutor chose another). It
// is the one place where commands other than training choose how a graph
// runs. learn lists the nodes whose gradients the caller reads after a run
// (nil for a forward-only graph).
func (r *Run) Executor(n *nets.Net, learn ...*G.Node) (engine.Executor, error) {
	name := r.executor
	if name == "" {
		name = r.Config.String("train.executor")
	}
	ws, err := r.workspace(name)
	if err != nil {
		return nil, err
	}
	return train.NewExecutor(name, n, learn, ws)
}

// Device is the device the run's graphs run on (cpu or cuda, resolved from
// its config's device for its executor) and a sentence saying why.
func (r *Run) Device() (device, why string, err error) {
	name := r.executor
	if name == "" {
		name = r.Config.String("train.executor")
	}
	if _, err := r.workspace(name); err != nil {
		return "", "", err
	}
	return r.device, r.deviceWhy, nil
}

// resolveDevice is train.ResolveDevice; tests replace it to put a run or a
// training task on a fake GPU.
var resolveDevice = train.ResolveDevice

// taskWorkspace is train.NewWorkspace with the device resolved by
// resolveDevice: the workspace of a training task.
func taskWorkspace(kind, device string, st *nets.Store) (*engine.Workspace, error) {
	dev, _, err := resolveDevice(device, kind)
	if err != nil {
		return nil, err
	}
	return train.WorkspaceOn(kind, dev, st)
}

// deviceChoice is the device a command asked for with UseDevice.
var deviceChoice struct {
	sync.Mutex
	device string    // "" or "run": each run's own device setting
	log    io.Writer // where the first resolution is reported; nil = nowhere
	told   bool
}

// UseDevice makes the runs opened later in this process run on device
// (auto, cpu or cuda) instead of their config's device; "" or "run" keeps
// each run's own. The first run that resolves its device writes a line to
// log (nil: none) saying which device it got and why. It is the --device of
// the commands that run a trained model.
func UseDevice(device string, log io.Writer) {
	deviceChoice.Lock()
	defer deviceChoice.Unlock()
	deviceChoice.device, deviceChoice.log, deviceChoice.told = device, log, false
}

// requestedDevice returns the device the run should resolve: the command's
// choice (UseDevice) or the run's config.
func (r *Run) requestedDevice() string {
	deviceChoice.Lock()
	defer deviceChoice.Unlock()
	if d := deviceChoice.device; d != "" && d != "run" {
		return d
	}
	return r.Config.String("device")
}

// tellDevice writes the first resolution of the process to UseDevice's log.
func tellDevice(why string) {
	deviceChoice.Lock()
	defer deviceChoice.Unlock()
	if deviceChoice.log != nil && !deviceChoice.told {
		fmt.Fprintln(deviceChoice.log, why)
		deviceChoice.told = true
	}
}

// workspace resolves the run's device once and returns the workspace the
// run's plans share on it: nil on the CPU (each plan opens its own CPU
// backend, as before devices existed). On a GPU the workspace is empty: no
// tensor is resident, so every plan uploads its leaves (the weights among
// them) before each run. That costs a copy of the weights per run, and it
// keeps every explanation that changes weights on the host (the
// randomization check) correct without telling the workspace.
func (r *Run) workspace(executor string) (*engine.Workspace, error) {
	if !r.deviceChecked {
		dev, why, err := resolveDevice(r.requestedDevice(), executor)
		if err != nil {
			return nil, fmt.Errorf("run %s: %w", r.Dir, err)
		}
		r.device, r.deviceWhy, r.deviceChecked = dev, why, true
		tellDevice(why)
	}
	if r.device == "cpu" || executor != "plan" {
		return nil, nil
	}
	if r.ws == nil {
		be, err := engine.OpenBackend(r.device)
		if err != nil {
			return nil, fmt.Errorf("run %s: %w", r.Dir, err)
		}
		r.ws = engine.NewWorkspace(be)
	}
	return r.ws, nil
}

// Images returns the run's full image data set (data.path), training and test
// parts, with every class: classes left out of training by
// data.exclude_classes are still there, so they can be scored as anomalies.
// The sets are loaded once and shared by later calls.
func (r *Run) Images() (trainSet, testSet *data.Images, err error) {
	if r.trainSet == nil {
		tr, te, err := data.OpenImages(r.Config.String("data.path"))
		if err != nil {
			return nil, nil, fmt.Errorf("loading the data of run %s (data.path %q): %w", r.Dir, r.Config.String("data.path"), err)
		}
		r.trainSet, r.testSet = tr, te
	}
	return r.trainSet, r.testSet, nil
}

// ExcludedClasses lists data.exclude_classes of a VAE run (nil for other kinds
// or when no class was left out).
func (r *Run) ExcludedClasses() []int {
	if !r.Config.Has("data.exclude_classes") {
		return nil
	}
	return r.Config.Ints("data.exclude_classes")
}

// Seed is the run's seed, the seed its Store was built with.
func (r *Run) Seed() int64 { return int64(r.Config.Int("seed")) }

// restore builds a model with build into a fresh Store of the run's seed and
// copies the checkpoint's tensors into it. A checkpoint may hold more tensors
// than the model needs (a GAN's generator beside its discriminator).
func restore[M any](r *Run, build func(*nets.Store) (M, error)) (M, error) {
	store := nets.NewStore(r.Seed())
	m, err := build(store)
	if err != nil {
		return m, err
	}
	if err := train.RestoreStore(store, r.Tensors, r.Dir); err != nil {
		return m, err
	}
	return m, nil
}
