package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"genxai/internal/testfs"
)

const goodVAE = `model:
  kind: vae
  hidden: [256, 128]
  latent: 16
seed: 7
train:
  lr: 0.01
  epochs: 3
`

// TestBadConfigs feeds broken configs, environment variables and --set
// overrides and checks that each message names the source, the key, the
// value found and what is allowed.
func TestBadConfigs(t *testing.T) {
	cases := []struct {
		name string
		file string // YAML text; "-" for a file that does not exist
		sets []string
		env  map[string]string
		want []string // substrings of the error; "FILE" stands for the path
	}{
		{"lr below exclusive bound", "model: {kind: vae}\ntrain:\n  lr: -0.1\n", nil, nil,
			[]string{"FILE:3:", "train.lr = -0.1", "out of range", "> 0 and ≤ 10"}},
		{"lr at exclusive bound", "model: {kind: vae}\ntrain.lr: 0\n", nil, nil,
			[]string{"FILE:2:", "train.lr = 0", "> 0 and ≤ 10"}},
		{"lr above max", "model: {kind: vae}\ntrain: {lr: 11}\n", nil, nil,
			[]string{"FILE:2:", "train.lr = 11", "≤ 10"}},
		{"string for int", "model: {kind: vae}\ntrain:\n  epochs: ten\n", nil, nil,
			[]string{"FILE:3:", "train.epochs = ten", "wrong type", "an int ≥ 1 and ≤ 100000", "found a string"}},
		{"quoted number for int", "model: {kind: vae}\nseed: \"3\"\n", nil, nil,
			[]string{"FILE:2:", `seed = "3"`, "wrong type", "an int ≥ 0"}},
		{"fraction for int", "model: {kind: vae}\ntrain:\n  batch_size: 1.5\n", nil, nil,
			[]string{"FILE:3:", "train.batch_size = 1.5", "not a whole number", "≥ 1 and ≤ 65536"}},
		{"list for scalar", "model: {kind: vae}\nmodel.latent: [1, 2]\n", nil, nil,
			[]string{"FILE:2:", "model.latent = [1, 2]", "found a list", "an int ≥ 1 and ≤ 4096"}},
		{"scalar for list", "model:\n  kind: vae\n  hidden: 400\n", nil, nil,
			[]string{"FILE:3:", "model.hidden = 400", "a list of ints", "found an int"}},
		{"list element out of range", "model:\n  kind: vae\n  hidden: [400, 0]\n", nil, nil,
			[]string{"FILE:3:", "model.hidden = [400, 0]", "element 1 (0)", "≥ 1 and ≤ 65536"}},
		{"empty list", "model:\n  kind: vae\n  hidden: []\n", nil, nil,
			[]string{"FILE:3:", "model.hidden = []", "at least 1 element"}},
		{"enum", "model: {kind: vae}\ndevice: gpu\n", nil, nil,
			[]string{"FILE:2:", "device = gpu", "one of auto, cpu, cuda"}},
		{"kind enum", "model: {kind: vea}\n", nil, nil,
			[]string{"FILE:1:", "model.kind = vea", oneOfKinds()}},
		{"bool", "model: {kind: vae, batch_norm: yes}\n", nil, nil,
			[]string{"FILE:1:", "model.batch_norm = yes", "true or false", "found a string"}},
		{"nan", "model: {kind: vae}\ntrain: {lr: .nan}\n", nil, nil,
			[]string{"FILE:2:", "train.lr = .nan", "not a finite number"}},
		{"overflowing number", "model: {kind: vae}\ntrain: {lr: 1e999}\n", nil, nil,
			[]string{"train.lr = 1e999 is not a finite number"}},
		{"null", "model: {kind: vae}\ntrain:\n  lr:\n", nil, nil,
			[]string{"FILE:3:", "train.lr = null", "has no value", "> 0 and ≤ 10"}},
		{"unknown key typo", "model: {kind: vae}\ntrain:\n  lrr: 0.1\n", nil, nil,
			[]string{"FILE:3:", "train.lrr = 0.1", "not a known key", "did you mean train.lr?"}},
		{"unknown nested key", "model: {kind: vae}\ntrain:\n  adam:\n    beta: 0.5\n", nil, nil,
			[]string{"FILE:4:", "train.adam.beta = 0.5", "not a known key", "keys under train are", "train.beta1"}},
		{"unknown top-level section", "model: {kind: vae}\noptim: {foo: 1}\n", nil, nil,
			[]string{"FILE:2:", "optim.foo = 1", "not a known key", "sections are data, model, train"}},
		{"key under a leaf", "model: {kind: vae}\nseed: {value: 3}\n", nil, nil,
			[]string{"FILE:2:", "seed.value = 3", "seed is a int, not a section"}},
		{"case matters", "model: {kind: vae}\nTrain: {LR: 0.1}\n", nil, nil,
			[]string{"FILE:2:", "Train.LR = 0.1", "did you mean train.lr?"}},
		{"scalar for section", "model: {kind: vae}\ntrain: 5\n", nil, nil,
			[]string{"FILE:2:", "train = 5", "train is a section"}},
		{"duplicate via dotted key", "model: {kind: vae}\ntrain: {lr: 0.1}\ntrain.lr: 0.2\n", nil, nil,
			[]string{"FILE:3:", "train.lr = 0.2", "set twice", "line 2"}},
		{"duplicate key", "model: {kind: vae}\nseed: 1\nseed: 2\n", nil, nil,
			[]string{"FILE:3:", "not valid YAML", "seed", "already defined at line 2"}},
		{"missing kind", "seed: 1\n", nil, nil,
			[]string{"FILE:", "model.kind", "required", oneOfKinds()}},
		{"empty file", "", nil, nil,
			[]string{"FILE:", "is empty"}},
		{"comments only", "# nothing here\n\n", nil, nil,
			[]string{"FILE:", "is empty"}},
		{"invalid yaml", "model:\n  kind: vae\n   latent: 3\n", nil, nil,
			[]string{"FILE:3:", "not valid YAML", "mapping values are not allowed"}},
		{"unclosed flow list", "model: {kind: vae}\nmodel.hidden: [1, 2\n", nil, nil,
			[]string{"FILE:", "not valid YAML"}},
		{"top-level list", "- model\n- kind\n", nil, nil,
			[]string{"FILE:1:", "a list at the top level", "mapping"}},
		{"two documents", "model: {kind: vae}\n---\nseed: 2\n", nil, nil,
			[]string{"FILE:2:", "more than one YAML document"}},
		{"missing file", "-", nil, nil,
			[]string{"FILE:", "does not exist"}},
		{"merge key", "base: &b {lr: 0.1}\nmodel: {kind: vae}\ntrain:\n  <<: *b\n", nil, nil,
			[]string{"FILE:4:", "train", "merge key"}},
		{"min_lr above lr", "model: {kind: vae}\ntrain: {lr: 0.001, min_lr: 0.01}\n", nil, nil,
			[]string{"FILE:2:", "train.min_lr = 0.01", "must be ≤ train.lr"}},
		{"warmup not below steps", "model: {kind: vae}\ntrain: {steps: 10, warmup_steps: 10}\n", nil, nil,
			[]string{"FILE:2:", "train.warmup_steps = 10", "train.steps (10)"}},
		{"set without =", goodVAE, []string{"train.lr"}, nil,
			[]string{"--set train.lr", "malformed", "key=value"}},
		{"set with empty key", goodVAE, []string{"=3"}, nil,
			[]string{"--set =3", "no key"}},
		{"set wrong type", goodVAE, []string{"train.epochs=many"}, nil,
			[]string{"--set train.epochs=many", "train.epochs = many", "an int ≥ 1 and ≤ 100000"}},
		{"set unknown key", goodVAE, []string{"train.bach_size=64"}, nil,
			[]string{"--set train.bach_size=64", "train.bach_size = 64", "did you mean train.batch_size?"}},
		{"set list element", goodVAE, []string{"model.hidden=[512,x]"}, nil,
			[]string{"--set model.hidden=[512,x]", "model.hidden = [512, x]", "element 1 (x)", "list of ints"}},
		{"set broken list", goodVAE, []string{"model.hidden=[512,256"}, nil,
			[]string{"--set model.hidden=[512,256", "model.hidden = [512,256", "not valid YAML"}},
		{"set kind", goodVAE, []string{"model.kind=gpt"}, nil,
			[]string{"--set model.kind=gpt", "model.kind = gpt", oneOfKinds()}},
		{"set empty value", goodVAE, []string{"train.lr="}, nil,
			[]string{"--set train.lr=", "train.lr = null", "no value"}},
		{"env wrong type", goodVAE, nil, map[string]string{"GENXAI_TRAIN_LR": "fast"},
			[]string{"GENXAI_TRAIN_LR:", "train.lr = fast", "> 0 and ≤ 10"}},
		{"env out of range", goodVAE, nil, map[string]string{"GENXAI_DATA_VAL_FRACTION": "0.9"},
			[]string{"GENXAI_DATA_VAL_FRACTION:", "data.val_fraction = 0.9", "≥ 0 and ≤ 0.5"}},
		{"env enum", goodVAE, nil, map[string]string{"GENXAI_TRAIN_OPTIMIZER": "lbfgs"},
			[]string{"GENXAI_TRAIN_OPTIMIZER:", "train.optimizer = lbfgs", "adam, adamw, sgd"}},
		{"env unknown key", goodVAE, nil, map[string]string{"GENXAI_TRAIN_EPOCH": "3"},
			[]string{"GENXAI_TRAIN_EPOCH = 3", "names no key", "did you mean GENXAI_TRAIN_EPOCHS?"}},
		{"env kind", "seed: 1\n", nil, map[string]string{"GENXAI_MODEL_KIND": "xyz"},
			[]string{"GENXAI_MODEL_KIND:", "model.kind = xyz", oneOfKinds()}},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d bad configs", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var path string
			if tc.file == "-" {
				path = filepath.Join(t.TempDir(), "absent.yaml")
			} else {
				path = testfs.Write(t, "bad.yaml", tc.file)
			}
			c, err := LoadTraining(path, tc.sets)
			if err == nil {
				t.Fatalf("no error; settings %v", c.Settings())
			}
			msg := err.Error()
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, "FILE", path)
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Errorf("error is %T, want *config.Error with problems", err)
			}
		})
	}
}

// TestAllProblemsAtOnce checks that several problems are reported together,
// sorted by key.
func TestAllProblemsAtOnce(t *testing.T) {
	p := testfs.Write(t, "x.yaml", "train:\n  lr: -1\n  epochs: 0\nmodel:\n  kind: vae\n  latent: 0\ndevice: tpu\n")
	_, err := LoadTraining(p, []string{"seed=-3"})
	if err == nil {
		t.Fatal("no error")
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error is %T", err)
	}
	var keys []string
	for _, e := range ce.Problems {
		var pr *Problem
		if !errors.As(e, &pr) {
			t.Fatalf("problem %v is %T", e, e)
		}
		keys = append(keys, pr.Key)
	}
	want := []string{"device", "model.latent", "seed", "train.epochs", "train.lr"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("problem keys %v, want %v\n%v", keys, want, err)
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
		t.Errorf("message has %d lines, want %d:\n%v", n, len(want), err)
	}
}

// TestMissingFileIsNotExist checks that the cause of a read failure stays
// reachable with errors.Is.
func TestMissingFileIsNotExist(t *testing.T) {
	_, err := LoadTraining(filepath.Join(t.TempDir(), "nope.yaml"), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(err, fs.ErrNotExist) = false for %v", err)
	}
	_, err = LoadTraining(t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: got %v", err)
	}
}

// TestDefaultsAndTypes loads a small config and checks every value, the
// defaults included, and Has.
func TestDefaultsAndTypes(t *testing.T) {
	p := testfs.Write(t, "good.yaml", goodVAE)
	c, err := LoadTraining(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source() != p {
		t.Errorf("Source = %q", c.Source())
	}
	checks := []struct {
		got, want any
	}{
		{c.String("model.kind"), "vae"},
		{c.Ints("model.hidden"), []int{256, 128}},
		{c.Int("model.latent"), 16},
		{c.Int("seed"), 7},
		{c.Float("train.lr"), 0.01},
		{c.Int("train.epochs"), 3},
		// defaults
		{c.String("device"), "auto"},
		{c.String("data.path"), "builtin:digits"},
		{c.Float("data.val_fraction"), 0.0},
		{c.Int("train.steps"), 0},
		{c.Int("train.batch_size"), 128},
		{c.String("train.optimizer"), "adam"},
		{c.Float("train.momentum"), 0.9},
		{c.Float("train.beta1"), 0.9},
		{c.Float("train.beta2"), 0.999},
		{c.Float("train.eps"), 1e-8},
		{c.Float("train.weight_decay"), 0.0},
		{c.String("train.schedule"), "constant"},
		{c.Int("train.warmup_steps"), 0},
		{c.Float("train.min_lr"), 0.0},
		{c.Float("train.grad_clip"), 0.0},
		{c.Int("train.log_every"), 50},
		{c.String("train.executor"), "plan"},
		{c.Int("train.threads"), 0},
		{c.Int("train.blas_threads"), 1},
		{c.String("model.arch"), "mlp"},
		{c.Bool("model.batch_norm"), false},
		{c.Float("model.dropout"), 0.0},
	}
	for i, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("check %d: got %#v, want %#v", i, ch.got, ch.want)
		}
	}
	if !c.Has("train.lr") || c.Has("train.batch_size") || !c.Has("model.kind") {
		t.Errorf("Has: train.lr %v, train.batch_size %v, model.kind %v", c.Has("train.lr"), c.Has("train.batch_size"), c.Has("model.kind"))
	}
	if o := c.Origin("train.lr"); o != p+":7" {
		t.Errorf("Origin(train.lr) = %q, want %q", o, p+":7")
	}
	if o := c.Origin("train.batch_size"); o != "default" {
		t.Errorf("Origin(train.batch_size) = %q", o)
	}
	// The getters hand out copies.
	h := c.Ints("model.hidden")
	h[0] = 1
	if c.Ints("model.hidden")[0] != 256 {
		t.Error("Ints returned the config's own slice")
	}
	s := c.Settings()
	train, ok := s["train"].(map[string]any)
	if !ok || train["lr"] != 0.01 || train["batch_size"] != 128 {
		t.Errorf("Settings train = %#v", s["train"])
	}
	model := s["model"].(map[string]any)
	if !reflect.DeepEqual(model["hidden"], []int{256, 128}) || model["kind"] != "vae" {
		t.Errorf("Settings model = %#v", model)
	}
	if s["seed"] != 7 || s["device"] != "auto" {
		t.Errorf("Settings top level = %v %v", s["seed"], s["device"])
	}
	n := 0
	var count func(m map[string]any)
	count = func(m map[string]any) {
		for _, v := range m {
			if sub, ok := v.(map[string]any); ok {
				count(sub)
			} else {
				n++
			}
		}
	}
	count(s)
	sc, _ := TrainingSchema("vae")
	if n != len(sc.Keys) {
		t.Errorf("Settings holds %d leaves, schema %d keys", n, len(sc.Keys))
	}
}

// TestOverrideOrder checks file < environment < --set, later --set winning,
// and YAML parsing of override values.
func TestOverrideOrder(t *testing.T) {
	p := testfs.Write(t, "good.yaml", goodVAE)
	t.Setenv("GENXAI_TRAIN_LR", "0.5")
	t.Setenv("GENXAI_TRAIN_EPOCHS", "4")
	t.Setenv("GENXAI_MODEL_HIDDEN", "[64, 32]")
	t.Setenv("GENXAI_DATA_PATH", "/data/x")
	t.Setenv("GENXAI_SOMETHING_ELSE", "ignored") // not under a schema section
	c, err := LoadTraining(p, []string{
		"train.lr=3e-4",
		"model.hidden=[512,256]",
		"train.batch_size=32",
		"train.batch_size=1e2", // later wins; a whole float is an int
		"model={latent: 4, batch_norm: true}",
		"data.path=\"123\"",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.Float("train.lr"), c.Int("train.epochs"), c.Ints("model.hidden"), c.Int("train.batch_size"),
		c.Int("model.latent"), c.Bool("model.batch_norm"), c.String("data.path"), c.Int("seed")}
	want := []any{3e-4, 4, []int{512, 256}, 100, 4, true, "123", 7}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	if o := c.Origin("train.epochs"); o != "GENXAI_TRAIN_EPOCHS" {
		t.Errorf("Origin(train.epochs) = %q", o)
	}
	if o := c.Origin("train.batch_size"); o != "--set train.batch_size=1e2" {
		t.Errorf("Origin(train.batch_size) = %q", o)
	}
	// The kind itself may come from the environment.
	q := testfs.Write(t, "nokind.yaml", "seed: 3\n")
	t.Setenv("GENXAI_MODEL_KIND", "vae")
	c, err = LoadTraining(q, nil)
	if err != nil || c.String("model.kind") != "vae" || c.Int("seed") != 3 {
		t.Fatalf("kind from env: %v", err)
	}
	// A string key keeps the literal text of a scalar.
	c, err = LoadTraining(q, []string{"data.path=0123"})
	if err != nil || c.String("data.path") != "0123" {
		t.Fatalf("data.path = %q, %v", c.String("data.path"), err)
	}
}

// TestParse checks the in-memory entry points against their file twins.
func TestParse(t *testing.T) {
	c, err := ParseTraining("embedded vae.yaml", []byte(goodVAE), []string{"seed=9"})
	if err != nil || c.Int("seed") != 9 || c.Source() != "embedded vae.yaml" {
		t.Fatalf("ParseTraining: %v", err)
	}
	_, err = ParseTraining("embedded vae.yaml", []byte("model: {kind: vae}\nseed: -1\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "embedded vae.yaml:2: seed = -1 is out of range: must be ≥ 0") {
		t.Errorf("ParseTraining: %v", err)
	}
	s, _ := TrainingSchema("vae")
	if _, err := Parse("x", []byte("model: {kind: vae}\n"), s, nil); err != nil {
		t.Errorf("Parse: %v", err)
	}
}

// TestGenericSchema exercises Load with a schema of every type, as other
// commands use it.
func TestGenericSchema(t *testing.T) {
	s := Schema{
		Name: "test",
		Keys: []Key{
			StringKey("name", "", "a name").Require(),
			FloatListKey("weights", []float64{1, 2}, "weights").GreaterThan(0),
			StringListKey("tags", []string{"a"}, "tags").OneOf("a", "b", "c").Len(1, 2),
			BoolKey("fit.intercept", true, "intercept"),
			FloatKey("fit.c", 1, "inverse regularization").GreaterThan(0).LessThan(100),
			IntKey("fit.deep.k", 3, "k").Range(1, 9),
		},
		Validate: func(c *Config) []error {
			if c.Float("fit.c") == 42 {
				return []error{c.Errorf("fit.c", "is reserved")}
			}
			return nil
		},
	}
	p := testfs.Write(t, "g.yaml", "name: x\nweights: [0.5, 3]\ntags: [c, b]\nfit:\n  intercept: false\n  deep: {k: 9}\n")
	c, err := Load(p, s, []string{"fit.c=99.5"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Floats("weights"), []float64{0.5, 3}) || !reflect.DeepEqual(c.Strings("tags"), []string{"c", "b"}) ||
		c.Bool("fit.intercept") || c.Float("fit.c") != 99.5 || c.Int("fit.deep.k") != 9 || c.String("name") != "x" {
		t.Errorf("values: %v", c.Settings())
	}
	bad := []struct {
		sets []string
		want string
	}{
		{[]string{"fit.c=100"}, "fit.c = 100 is out of range: must be > 0 and < 100"},
		{[]string{"weights=[1, 0]"}, "element 1 (0) is out of range: must be > 0"},
		{[]string{"tags=[a, d]"}, "element 1 (d) is not allowed: must be one of a, b, c"},
		{[]string{"tags=[a, b, c]"}, "has 3 elements: must have 1 to 2 elements"},
		{[]string{"fit.intercept=1"}, "fit.intercept = 1 has the wrong type: expected true or false, found an int"},
		{[]string{"fit.c=42"}, "fit.c = 42 is reserved"},
		{[]string{"fit.deep=3"}, "fit.deep = 3 is an int, but fit.deep is a section"},
		{[]string{"fit.deep.kk=3"}, "did you mean fit.deep.k?"},
	}
	for _, b := range bad {
		_, err := Load(p, s, b.sets)
		if err == nil || !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), "--set "+b.sets[0]) {
			t.Errorf("%v: got %v, want %q", b.sets, err, b.want)
		}
	}
	_, err = Load(testfs.Write(t, "n.yaml", "weights: [1]\n"), s, nil)
	if err == nil || !strings.Contains(err.Error(), "name is required but not set") {
		t.Errorf("missing required: %v", err)
	}
	// An empty section is allowed and sets nothing.
	c, err = Load(testfs.Write(t, "e.yaml", "name: y\nfit:\n"), s, nil)
	if err != nil || c.Has("fit.c") {
		t.Errorf("empty section: %v", err)
	}
}

// TestSchemaErrors checks that malformed schemas are refused.
func TestSchemaErrors(t *testing.T) {
	bad := []Schema{
		{Name: "caps", Keys: []Key{IntKey("Train.lr", 1, "")}},
		{Name: "dup", Keys: []Key{IntKey("a", 1, ""), IntKey("a", 2, "")}},
		{Name: "default type", Keys: []Key{{Name: "a", Type: Int, Default: "x"}}},
		{Name: "no default", Keys: []Key{{Name: "a", Type: Int}}},
		{Name: "default out of range", Keys: []Key{IntKey("a", 0, "").AtLeast(1)}},
		{Name: "key and section", Keys: []Key{IntKey("a", 1, ""), IntKey("a.b", 1, "")}},
		{Name: "enum on int", Keys: []Key{{Name: "a", Type: Int, Default: 1, Enum: []string{"x"}}}},
	}
	for _, s := range bad {
		if _, err := Load(testfs.Write(t, "x.yaml", "a: 1\n"), s, nil); err == nil || !strings.Contains(err.Error(), "schema") {
			t.Errorf("schema %q: got %v", s.Name, err)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("registering vae twice did not panic")
			}
		}()
		RegisterKind("vae")
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a kind redefining a shared key did not panic")
			}
			if _, err := TrainingSchema("clash"); err == nil {
				t.Error("a refused kind stayed registered")
			}
		}()
		RegisterKind("clash", IntKey("seed", 1, ""))
	}()
	if _, err := TrainingSchema("nope"); err == nil || !strings.Contains(err.Error(), "known kinds are "+strings.Join(Kinds(), ", ")) {
		t.Errorf("TrainingSchema(nope): %v", err)
	}
}

// TestGetterPanics checks that asking for a key outside the schema, or with
// the wrong getter, is a programmer error.
func TestGetterPanics(t *testing.T) {
	c, err := LoadTraining(testfs.Write(t, "g.yaml", goodVAE), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"unknown":      func() { c.Int("train.nope") },
		"wrong getter": func() { c.Float("train.epochs") },
		"has unknown":  func() { c.Has("x") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestReference checks the rendering of one table.
func TestReference(t *testing.T) {
	r := Reference(Schema{Name: "x", Keys: []Key{
		FloatKey("train.lr", 1e-3, "peak | rate").GreaterThan(0).AtMost(10),
		StringKey("model.kind", "", "kind").OneOf("vae", "gan").Require(),
		IntListKey("h", []int{4, 2}, "").Range(1, 8).Len(1, 0),
	}})
	for _, w := range []string{
		"| key | type | default | allowed | doc |",
		"| `train.lr` | float | `0.001` | > 0 and ≤ 10 | peak \\| rate |",
		"| `model.kind` | string | *required* | vae, gan |",
		"| `h` | list of int | `[4, 2]` | each ≥ 1 and ≤ 8; at least 1 element |",
	} {
		if !strings.Contains(r, w) {
			t.Errorf("reference lacks %q:\n%s", w, r)
		}
	}
}

// TestSuggest checks the typo suggestions.
func TestSuggest(t *testing.T) {
	keys := []string{"train.lr", "train.epochs", "model.hidden", "seed"}
	sections := map[string]bool{"train": true, "model": true}
	for in, want := range map[string]string{
		"train.adam.beta": "", // not model.beta: train is a known section
		"model.lr":        "",
		"optim.lr":        "train.lr",
		"train.lrr":       "train.lr",
		"Train.LR":        "train.lr",
		"lr":              "train.lr",
		"model.hiden":     "model.hidden",
		"sed":             "seed",
		"optimizer":       "",
		"data.path":       "",
	} {
		if got := suggest(in, keys, knownSection(in, sections)); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLoad feeds random YAML and --set strings; loading must never panic,
// and a successful load must give values within the schema.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{goodVAE, "", "a: [1,", "model: {kind: vae}\ntrain: {lr: .inf}\n", "- 1\n", "a: &a [*a]\n",
		"model: &m {kind: vae}\ntrain: *m\n", "? [a]\n: 1\n", "model:\n  kind: vae\n  hidden: [1e300]\n", "x: !!binary aGk=\n"} {
		f.Add([]byte(s), "train.lr=3e-4")
	}
	f.Add([]byte(goodVAE), "model.hidden=[1, {a: b}]")
	f.Add([]byte(goodVAE), "=")
	f.Add([]byte(goodVAE), "train={lr: 2}")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		c, err := loadTraining("fuzz.yaml", data, nil, []string{set}, []string{"GENXAI_SEED=2"})
		if err != nil {
			_ = err.Error()
			return
		}
		s := c.Schema()
		for i := range s.Keys {
			k := &s.Keys[i]
			if msg := k.checkValue(c.values[k.Name]); msg != "" {
				t.Fatalf("loaded config has %s %s", k.Name, msg)
			}
		}
		_ = c.Settings()
	})
}

// oneOfKinds is how messages list the registered training kinds.
func oneOfKinds() string { return "one of " + strings.Join(Kinds(), ", ") }
