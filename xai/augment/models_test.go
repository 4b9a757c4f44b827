package augment

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"genxai/data"
	"genxai/models"
	"genxai/train"
)

// Tiny models on the embedded 8×8 digits, trained once per test binary by
// train.Run from temporary configs: a conditional MLP GAN, an unconditional
// one, and an MLP classifier whose 32-unit hidden layer is the embedding.
const (
	digitsClassifierYAML = `model:
  kind: classifier
  arch: mlp
  hidden: [32]
  activation: relu
data:
  path: builtin:digits
device: cpu
seed: 3
train:
  epochs: 6
  batch_size: 32
  lr: 3.0e-3
  log_every: 1000
`
	digitsCGANYAML = `model:
  kind: gan
  arch: mlp
  conditional: true
  latent: 16
  g_hidden: [64]
  d_hidden: [64]
  batch_norm: false
data:
  path: builtin:digits
device: cpu
seed: 4
train:
  epochs: %d
  batch_size: 32
  lr: 2.0e-3
  beta1: 0.5
  log_every: 1000
metrics:
  samples: 10
  classifier_run: %q
`
)

var (
	modelsOnce sync.Once
	modelsDir  string
	modelsErr  error
)

// trainedRuns returns the run directories of the digits classifier, the
// conditional GAN and an unconditional GAN (two steps: only its config and
// checkpoint matter), training them at the first call.
func trainedRuns(t *testing.T) (cls, cgan, ugan string) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains two small models (about 10 s)")
	}
	modelsOnce.Do(func() {
		modelsDir, modelsErr = os.MkdirTemp("", "augment-models-")
		if modelsErr != nil {
			return
		}
		cls := filepath.Join(modelsDir, "cls") // trained first; the GANs' metrics use it
		for _, r := range []struct{ name, yaml string }{
			{"cls", digitsClassifierYAML},
			{"cgan", fmt.Sprintf(digitsCGANYAML, 20, cls)},
			{"ugan", strings.NewReplacer("conditional: true", "conditional: false", "epochs: 1\n", "epochs: 1\n  steps: 2\n").Replace(fmt.Sprintf(digitsCGANYAML, 1, cls))},
		} {
			if modelsErr = trainRun(filepath.Join(modelsDir, r.name), r.yaml); modelsErr != nil {
				modelsErr = fmt.Errorf("training %s: %w", r.name, modelsErr)
				return
			}
		}
	})
	if modelsErr != nil {
		t.Fatal(modelsErr)
	}
	return filepath.Join(modelsDir, "cls"), filepath.Join(modelsDir, "cgan"), filepath.Join(modelsDir, "ugan")
}

func trainRun(dir, yaml string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	p := dir + ".yaml"
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		return err
	}
	c, err := models.LoadConfig(p, nil)
	if err != nil {
		return err
	}
	_, err = models.Train(context.Background(), train.Request{Config: c, OutDir: dir, Log: io.Discard})
	return err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if modelsDir != "" {
		os.RemoveAll(modelsDir)
	}
	os.Exit(code)
}

// TestGANSamplesFollowTheirClass asks the conditional GAN for each class and
// checks that the independently trained classifier assigns most samples to
// the requested class. Chance is 0.1; the same images scored against a
// shifted label (what a generator that mixed up its classes would give)
// must score low, so the bound tells conditioning from its absence.
func TestGANSamplesFollowTheirClass(t *testing.T) {
	clsRun, ganRun, _ := trainedRuns(t)
	gan, err := OpenGANGenerator(ganRun)
	if err != nil {
		t.Fatal(err)
	}
	defer gan.Close()
	emb, err := OpenEmbedder(clsRun)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	if gan.Shape.Dim() != 64 || emb.Dim != 32 || gan.Config.Classes != 10 {
		t.Fatalf("GAN shape %v, embedding %d", gan.Shape, emb.Dim)
	}
	// The classifier itself must be good on real digits for the check to mean anything.
	_, test, err := data.OpenImages(data.BuiltinDigits)
	if err != nil {
		t.Fatal(err)
	}
	X := make([]float64, test.N*test.Dim())
	for i, v := range test.Pixels {
		X[i] = float64(v)
	}
	_, pred, err := emb.Embed(X, test.N)
	if err != nil {
		t.Fatal(err)
	}
	if acc := agreementOf(pred, test.Labels); acc < 0.85 {
		t.Fatalf("the test classifier reaches only %.3f on real test digits", acc)
	}

	rng := rand.New(rand.NewSource(1))
	const per = 150 // more than one graph batch, and not a multiple of it
	var right, shifted, total int
	for c := 0; c < 10; c++ {
		imgs, err := gan.Images(c, per, rng)
		if err != nil {
			t.Fatal(err)
		}
		if len(imgs) != per*64 {
			t.Fatalf("class %d: %d values, want %d", c, len(imgs), per*64)
		}
		for _, v := range imgs {
			if v < 0 || v > 1 {
				t.Fatalf("pixel %v outside [0,1]", v)
			}
		}
		_, pred, err := emb.Embed(imgs, per)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pred {
			if p == c {
				right++
			}
			if p == (c+1)%10 {
				shifted++
			}
		}
		total += per
	}
	acc, wrong := float64(right)/float64(total), float64(shifted)/float64(total)
	t.Logf("classifier agrees with the requested class for %.3f of GAN samples (%.3f with the label shifted by one)", acc, wrong)
	if acc < 0.6 {
		t.Errorf("only %.3f of the GAN's samples are classified as their requested class; want ≥ 0.6 (chance 0.1)", acc)
	}
	if wrong > 0.25 {
		t.Errorf("%.3f of the samples match the shifted label: the test cannot tell conditioning from label shuffling", wrong)
	}

	// Same noise, same images; the noise stream does not depend on the batch size.
	a, _ := gan.Images(3, 7, rand.New(rand.NewSource(9)))
	b, _ := gan.Images(3, 130, rand.New(rand.NewSource(9)))
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("image values differ at %d for the same noise: %v vs %v", i, a[i], b[i])
		}
	}
	// Mixed classes in one call give the images of per-class calls on the same stream.
	mixed, err := gan.ImagesOf([]int{2, 2, 7}, rand.New(rand.NewSource(5)))
	if err != nil {
		t.Fatal(err)
	}
	r5 := rand.New(rand.NewSource(5))
	two, _ := gan.Images(2, 2, r5)
	seven, _ := gan.Images(7, 1, r5)
	for i, v := range append(two, seven...) {
		if mixed[i] != v {
			t.Fatalf("ImagesOf differs from per-class Images at value %d: %v vs %v", i, mixed[i], v)
		}
	}
	if _, err := gan.Images(10, 1, rng); err == nil {
		t.Error("class 10 of 10: no error")
	}
}

func agreementOf(pred, labels []int) float64 {
	hit := 0
	for i, p := range pred {
		if p == labels[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(pred))
}

// smallDigits is a quick augmentation setting on the embedded digits with
// the trained GAN and classifier.
func smallDigits(clsRun, ganRun string) Settings {
	return Settings{
		Source: data.BuiltinDigits, FeatureKind: "classifier", ClassifierRun: clsRun,
		PCAComponents: 10, PCAFit: "pool", PCAPoolRows: 0,
		NPerClass: []int{5}, GeneratorKind: "gan", GANRun: ganRun, Clip: true,
		GMMComponents: []int{1}, GMMCovariance: "diag", GMMRegCovar: 1e-3, GMMNInit: 1, GMMMaxIter: 50,
		Ratios: []float64{0, 2}, Seeds: 2, Seed: 1,
		SVMKernel: "rbf", SVMC: 1, SVMGamma: "scale", SVMStandardize: true, Alpha: 0.05,
	}
}

// TestRunGANWithClassifierFeatures runs the pipeline end to end with the GAN
// generator and classifier features, then the other combinations of the
// GAN with raw and PCA features and of the GMM with classifier features.
func TestRunGANWithClassifierFeatures(t *testing.T) {
	clsRun, ganRun, _ := trainedRuns(t)
	s := smallDigits(clsRun, ganRun)
	st, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Warnings) != 0 {
		t.Errorf("finished runs give warnings %v", st.Warnings)
	}
	res, err := st.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trials) != 2*2 || res.FeatureDim != 32 || res.EmbeddingDim != 32 || res.RawDim != 64 || res.TestRows != 360 {
		t.Fatalf("%d trials, feature dim %d, embedding %d, raw %d, test %d", len(res.Trials), res.FeatureDim, res.EmbeddingDim, res.RawDim, res.TestRows)
	}
	for _, tr := range res.Trials {
		if want := 50 + 10*tr.Synthetic; tr.TrainRows != want {
			t.Errorf("trial %+v: %d rows, want %d", tr, tr.TrainRows, want)
		}
		if tr.Accuracy < 0.5 {
			t.Errorf("trial %+v: accuracy %.3f on 5 digits per class in the classifier's embedding", tr, tr.Accuracy)
		}
		if (tr.Agreement != nil) != (tr.Synthetic > 0) || (tr.Agreement != nil && *tr.Agreement < 0.6) {
			t.Errorf("trial %+v: synthetic agreement %v", tr, tr.Agreement)
		}
		if tr.Components != nil {
			t.Errorf("GAN trial reports mixture components %v", tr.Components)
		}
	}
	md := res.Markdown()
	for _, want := range []string{"class-conditional mlp GAN", "32-dimensional penultimate-layer embedding", "generated for"} {
		if !strings.Contains(md, want) {
			t.Errorf("results.md lacks %q:\n%s", want, md)
		}
	}
	// Synthetic rows in each feature space have that space's dimension.
	fm := &featureMap{embed: st.Embedder, dim: 32}
	syn, err := st.GAN.WithFeatures(fm.forward).Sample(4, 3, rand.New(rand.NewSource(2)))
	if err != nil || len(syn) != 3*32 {
		t.Fatalf("embedded GAN samples: %d values, %v; want 96", len(syn), err)
	}
	st.Close()

	for _, v := range []struct {
		feat, gen string
		dim       int
	}{{"raw", "gan", 64}, {"pca", "gan", 10}, {"classifier", "gmm", 32}} {
		s := smallDigits(clsRun, ganRun)
		s.FeatureKind, s.GeneratorKind = v.feat, v.gen
		res, err := Run(s, Options{})
		if err != nil {
			t.Errorf("%s features, %s generator: %v", v.feat, v.gen, err)
			continue
		}
		if res.FeatureDim != v.dim || len(res.Trials) != 4 {
			t.Errorf("%s features, %s generator: dim %d, %d trials", v.feat, v.gen, res.FeatureDim, len(res.Trials))
		}
		for _, tr := range res.Trials {
			if tr.Accuracy < 0.5 {
				t.Errorf("%s/%s trial %+v: accuracy %.3f", v.feat, v.gen, tr, tr.Accuracy)
			}
		}
	}
}

// TestOpenRefusesBadCombinations checks that every mistake is reported by
// Open (before a run directory exists), with the key and what to do.
func TestOpenRefusesBadCombinations(t *testing.T) {
	clsRun, ganRun, uganRun := trainedRuns(t)
	missing := filepath.Join(t.TempDir(), "nothing-here")
	cases := []struct {
		name   string
		change func(*Settings)
		want   []string
	}{
		{"unconditional GAN", func(s *Settings) { s.GANRun = uganRun }, []string{"generator.gan_run", "unconditional", "model.conditional"}},
		{"missing GAN run", func(s *Settings) { s.GANRun = missing }, []string{"generator.gan_run", "nothing-here", "configs/cgan-fashion.yaml"}},
		{"classifier as GAN", func(s *Settings) { s.GANRun = clsRun }, []string{"generator.gan_run", `"classifier" model`}},
		{"GAN as classifier", func(s *Settings) { s.ClassifierRun = ganRun }, []string{"features.classifier_run", `"gan" model`}},
		{"missing classifier run", func(s *Settings) { s.ClassifierRun = missing }, []string{"features.classifier_run", "configs/cnn-fashion.yaml"}},
		{"GAN on a table", func(s *Settings) { s.Source, s.FeatureKind = data.BuiltinBreastCancer, "raw" }, []string{"generator.kind gan", "table"}},
		{"classifier features on a table", func(s *Settings) { s.Source, s.GeneratorKind = data.BuiltinBreastCancer, "gmm" }, []string{"features.kind classifier", "table"}},
		{"empty GAN run", func(s *Settings) { s.GANRun = "" }, []string{"generator.gan_run is empty"}},
		{"empty classifier run", func(s *Settings) { s.ClassifierRun = "" }, []string{"features.classifier_run is empty"}},
		{"unknown generator", func(s *Settings) { s.GeneratorKind = "vae" }, []string{`generator.kind "vae"`, "gmm or gan"}},
		{"subset larger than a class", func(s *Settings) { s.NPerClass = []int{140} }, []string{"real.n_per_class 140", "use at most 134"}},
	}
	for _, c := range cases {
		s := smallDigits(clsRun, ganRun)
		c.change(&s)
		st, err := Open(s)
		if err == nil {
			st.Close()
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
}

// TestOpenRefusesModelsOfOtherData opens the digits GAN and classifier
// against Fashion-MNIST (when installed): both must be refused with the
// shapes named.
func TestOpenRefusesModelsOfOtherData(t *testing.T) {
	clsRun, ganRun, _ := trainedRuns(t)
	if _, err := os.Stat(filepath.Join(data.DefaultFashionDir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		t.Skipf("Fashion-MNIST is not installed: %v", err)
	}
	for _, feat := range []string{"raw", "classifier"} {
		s := smallDigits(clsRun, ganRun)
		s.Source, s.FeatureKind, s.TestMaxRows = "fashion-mnist", feat, 100
		key := map[string]string{"raw": "generator.gan_run", "classifier": "features.classifier_run"}[feat]
		if feat == "classifier" {
			s.GeneratorKind = "gmm"
		}
		st, err := Open(s)
		if err == nil {
			st.Close()
			t.Fatalf("%s: digits model accepted for Fashion-MNIST", key)
		}
		for _, want := range []string{key, "1×8×8 images in 10 classes", "1×28×28 images in 10 classes", "same data"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	}
}

// TestShapeMismatch checks the comparison of a model's data with the
// pipeline's: image shape, class count and class names.
func TestShapeMismatch(t *testing.T) {
	digits := ImageShape{C: 1, H: 8, W: 8, Classes: 10, ClassNames: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	fashion := ImageShape{C: 1, H: 28, W: 28, Classes: 10, ClassNames: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}}
	if why := digits.matches(digits); why != "" {
		t.Errorf("digits vs digits: %s", why)
	}
	if why := fashion.matches(digits); !strings.Contains(why, "1×8×8 images in 10 classes") || !strings.Contains(why, "1×28×28") {
		t.Errorf("fashion data, digits model: %q", why)
	}
	renamed := digits
	renamed.ClassNames = append([]string{"zero"}, digits.ClassNames[1:]...)
	if why := digits.matches(renamed); !strings.Contains(why, `class 0 is "zero"`) {
		t.Errorf("renamed classes: %q", why)
	}
	nine := digits
	nine.Classes = 9
	if why := digits.matches(nine); why == "" {
		t.Error("9 vs 10 classes: no complaint")
	}
}

// TestUnfinishedRunWarns copies the GAN run without its summary.json, as an
// interrupted training leaves it: it is used, with a warning.
func TestUnfinishedRunWarns(t *testing.T) {
	clsRun, ganRun, _ := trainedRuns(t)
	dir := filepath.Join(t.TempDir(), "interrupted")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.yaml", "checkpoint.safetensors"} {
		b, err := os.ReadFile(filepath.Join(ganRun, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := smallDigits(clsRun, dir)
	s.FeatureKind = "raw"
	st, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "generator.gan_run") || !strings.Contains(st.Warnings[0], "did not finish") {
		t.Errorf("warnings %q", st.Warnings)
	}
}
