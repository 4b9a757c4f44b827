package config

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
)

// registry holds the training kinds and their model.* keys.
var registry = struct {
	sync.RWMutex
	kinds     map[string][]Key
	checks    map[string][]func(*Config) []error
	executors []string
}{
	kinds:     map[string][]Key{},
	checks:    map[string][]func(*Config) []error{},
	executors: nil,
}

// RegisterKind adds a training kind (the value of model.kind) with the keys
// it adds to the shared training keys, normally its model.* keys. Package
// models, the registry of model families, is its one caller: this is the
// index of their keys that LoadTraining chooses a schema from. It panics on programmer error: an
// empty or repeated kind, or keys that are malformed, clash with the shared
// keys or with each other.
func RegisterKind(kind string, keys ...Key) {
	if !validName(kind) || strings.Contains(kind, ".") {
		panic(fmt.Sprintf("config: RegisterKind(%q): a kind is one lower-case word", kind))
	}
	registry.Lock()
	if _, dup := registry.kinds[kind]; dup {
		registry.Unlock()
		panic(fmt.Sprintf("config: RegisterKind(%q): kind registered twice", kind))
	}
	registry.kinds[kind] = slices.Clone(keys)
	registry.Unlock()
	s, err := TrainingSchema(kind)
	if err == nil {
		err = s.check()
	}
	if err != nil {
		registry.Lock()
		delete(registry.kinds, kind)
		registry.Unlock()
		panic(err.Error())
	}
}

// RegisterCheck adds a cross-key check to a registered training kind; it
// runs after every key has been validated. Build its errors with
// Config.Errorf. It panics if the kind is not registered.
func RegisterCheck(kind string, check func(*Config) []error) {
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.kinds[kind]; !ok {
		panic(fmt.Sprintf("config: RegisterCheck(%q): kind not registered", kind))
	}
	registry.checks[kind] = append(registry.checks[kind], check)
}

// RegisterExecutor adds a value to the train.executor enum; package models
// registers the engine's executors. It panics on a malformed or repeated name.
func RegisterExecutor(name string) {
	registry.Lock()
	defer registry.Unlock()
	if !validName(name) || strings.Contains(name, ".") || slices.Contains(registry.executors, name) {
		panic(fmt.Sprintf("config: RegisterExecutor(%q): malformed or already registered", name))
	}
	registry.executors = append(registry.executors, name)
}

// Kinds returns the registered training kinds, sorted.
func Kinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.kinds))
	for k := range registry.kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sharedKeys returns the keys every training config has.
func sharedKeys(kinds, executors []string) []Key {
	return []Key{
		StringKey("model.kind", "", "model family; chooses the rest of the schema").OneOf(kinds...).Require(),
		IntKey("seed", 1, "seed for data order, initialization and noise; equal seeds give identical CPU runs").AtLeast(0),
		StringKey("device", "auto", "where to train: auto picks CUDA when a GPU answers, else the CPU").OneOf("auto", "cpu", "cuda"),
		BoolKey("tf32", false, "on a GPU, let cuBLAS use TF32 tensor cores for the float32 products (faster; about 3e-4 relative error per product instead of 1e-6); no effect on the CPU"),
		StringKey("data.path", "builtin:digits", `data set: "builtin:digits" (embedded 8×8 digits) or a Fashion-MNIST directory of IDX files`),
		IntKey("train.epochs", 10, "passes over the training set (ignored when train.steps > 0)").Range(1, 100000),
		IntKey("train.steps", 0, "optimizer steps to run; 0 = use train.epochs").AtLeast(0),
		IntKey("train.batch_size", 128, "examples per optimizer step").Range(1, 65536),
		FloatKey("train.lr", 1e-3, "peak learning rate").GreaterThan(0).AtMost(10),
		StringKey("train.optimizer", "adam", "adam, adamw (decoupled weight decay; Loshchilov & Hutter 2019) or sgd (with momentum)").OneOf("adam", "adamw", "sgd"),
		FloatKey("train.momentum", 0.9, "momentum of sgd").AtLeast(0).LessThan(1),
		FloatKey("train.beta1", 0.9, "Adam's first-moment decay β1 (Kingma & Ba 2015)").AtLeast(0).LessThan(1),
		FloatKey("train.beta2", 0.999, "Adam's second-moment decay β2").AtLeast(0).LessThan(1),
		FloatKey("train.eps", 1e-8, "Adam's ε added to the root of the second moment").GreaterThan(0).LessThan(1),
		FloatKey("train.weight_decay", 0, "L2 penalty (sgd, adam) or decoupled decay (adamw); 0 = off").AtLeast(0),
		StringKey("train.schedule", "constant", "learning-rate schedule after warm-up: constant, or cosine decay to train.min_lr (Loshchilov & Hutter 2017)").OneOf("constant", "cosine"),
		IntKey("train.warmup_steps", 0, "steps of linear warm-up from 0 to train.lr; 0 = none").AtLeast(0),
		FloatKey("train.min_lr", 0, "learning rate at the end of the cosine schedule; must be ≤ train.lr").AtLeast(0),
		FloatKey("train.grad_clip", 0, "clip the global L2 norm of the gradients to this value; 0 = off").AtLeast(0),
		IntKey("train.keep_images", 10, "keep the per-epoch pictures (epochs/NAME_epochNNN.png) of the last this many epochs; 0 keeps all. The last epoch's are also NAME.png at the top of the run directory").AtLeast(0),
		IntKey("train.log_every", 50, "log metrics every this many steps").AtLeast(1),
		StringKey("train.executor", "plan", "how the graph runs: plan lowers the whole step (random inputs, forward, backward, clipping, optimizer, running statistics) onto the backend once, with the run's state resident there; tape is Gorgonia's TapeMachine with the step's host work on the host, the reference the plan is tested against").OneOf(executors...),
		IntKey("train.threads", 0, "CPU threads for Go's own work (GOMAXPROCS); 0 = all cores").AtLeast(0),
		IntKey("train.blas_threads", 1, "OpenBLAS threads per matrix product; 0 = OpenBLAS's own choice (OPENBLAS_NUM_THREADS, else all cores). 1 is the default because this project's products are small: on two cores a second OpenBLAS thread spun in sched_yield (half the CPU time as system time) and made the conditional DCGAN and the transformer no faster, 5–8% slower").AtLeast(0),
	}
}

// TrainingSchema returns the schema of training configs of one kind: the
// shared keys (model.kind, seed, device, data.*, train.*) and the kind's own.
// An unknown kind is an error that lists the known ones.
func TrainingSchema(kind string) (Schema, error) {
	registry.RLock()
	defer registry.RUnlock()
	own, ok := registry.kinds[kind]
	kinds := make([]string, 0, len(registry.kinds))
	for k := range registry.kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if !ok {
		return Schema{}, fmt.Errorf("config: %q is not a training kind: known kinds are %s", kind, strings.Join(kinds, ", "))
	}
	keys := append(sharedKeys(kinds, slices.Clone(registry.executors)), own...)
	checks := append([]func(*Config) []error{trainingCheck}, registry.checks[kind]...)
	return Schema{
		Name: "training (" + kind + ")",
		Keys: keys,
		Validate: func(c *Config) []error {
			var errs []error
			for _, ch := range checks {
				errs = append(errs, ch(c)...)
			}
			return errs
		},
	}, nil
}

// trainingCheck holds the cross-key checks of the shared training keys.
func trainingCheck(c *Config) []error {
	var errs []error
	if lr, min := c.Float("train.lr"), c.Float("train.min_lr"); min > lr {
		errs = append(errs, c.Errorf("train.min_lr", "is above train.lr (%s): must be ≤ train.lr", formatFloat(lr)))
	}
	if steps, warm := c.Int("train.steps"), c.Int("train.warmup_steps"); steps > 0 && warm >= steps {
		errs = append(errs, c.Errorf("train.warmup_steps", "is not below train.steps (%d): warm-up must end before the run does", steps))
	}
	return errs
}

// LoadTraining loads a training config: it finds model.kind (from the file,
// GENXAI_MODEL_KIND or --set model.kind=…, the later winning), then loads
// and validates the config against TrainingSchema(kind) as Load does.
func LoadTraining(path string, sets []string) (*Config, error) {
	data, err := os.ReadFile(path)
	return loadTraining(path, data, err, sets, os.Environ())
}

// ParseTraining is LoadTraining for a config held in memory, such as the
// demo's config embedded in the binary; name stands for the file in messages.
func ParseTraining(name string, data []byte, sets []string) (*Config, error) {
	return loadTraining(name, data, nil, sets, os.Environ())
}

// loadTraining is LoadTraining with the file's bytes and environment passed in.
func loadTraining(path string, data []byte, readErr error, sets, environ []string) (*Config, error) {
	l := newLoader(path, data, readErr, sets, environ)
	kinds := Kinds()
	kindKey := StringKey("model.kind", "", "").OneOf(kinds...).Require()
	var last *entry
	for i := range l.file {
		if l.file[i].key == "model.kind" {
			last = &l.file[i]
		}
	}
	env := EnvName("model.kind")
	if v, ok := l.env[env]; ok {
		node, rawErr := parseValue(v)
		last = &entry{key: "model.kind", node: node, src: env, rawErr: rawErr}
	}
	for i := range l.sets {
		if l.sets[i].key == "model.kind" {
			last = &l.sets[i]
		}
	}
	problems := append([]error(nil), l.problems...)
	if last == nil {
		if len(l.problems) == 0 || l.fileOK {
			problems = append(problems, &Problem{Source: path, Key: "model.kind",
				Msg: fmt.Sprintf("is required but not set: must be %s; it chooses the schema of the rest of the file", kindKey.allowedText())})
		}
		return nil, newError(problems)
	}
	v, msg := convert(&kindKey, last.node)
	if msg == "" {
		msg = kindKey.checkValue(v)
	}
	if msg != "" {
		problems = append(problems, &Problem{Source: last.src, Line: last.line, Key: "model.kind", Value: render(last.node),
			Msg: msg + " (the training kinds registered in this build)"})
		return nil, newError(problems)
	}
	schema, err := TrainingSchema(v.(string))
	if err != nil {
		return nil, err
	}
	return l.validate(&schema)
}
