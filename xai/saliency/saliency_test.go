package saliency

import (
	"math"
	"math/rand"
	"path/filepath"
	"testing"

	"genxai/nets"
	"genxai/xai/explain"
	"genxai/xai/explain/explaintest"
)

const ganMLP = `
model: {kind: gan, arch: mlp, latent: 8, g_hidden: [32], d_hidden: [32], conditional: true}
seed: 2
device: cpu
data: {path: "builtin:digits"}
train: {epochs: 2, batch_size: 32, lr: 1.0e-3}
`

func defaults(run, out string) Options {
	return Options{Run: run, Out: out, Target: -1, Steps: 256, Baseline: "black", BlurSigma: 1,
		Samples: 16, Noise: 0.15, Seed: 1, Executor: "tape", MaxBatch: 128, VAEOutput: "latent",
		Window: 2, Stride: 2, ShapSamples: 16, ShapBaselines: 8, Scale: "per-image"}
}

// TestLinearGradientIsTheWeights checks that for f(x) = x·W + b the gradient
// of output k is exactly column k of W, for every input.
func TestLinearGradientIsTheWeights(t *testing.T) {
	const B, D, K = 5, 12, 3
	store := nets.NewStore(7)
	n := nets.NewNet(store, false)
	x := n.Input("x", B, D)
	out := n.Dense("linear", x, K)
	s, err := explain.NewScorer(n, x, out, explaintest.Tape)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := store.Data("linear.weight") // (D, K) row-major
	rng := rand.New(rand.NewSource(1))
	var qs []explain.Query
	for i := 0; i < 2*B+1; i++ { // more rows than one batch
		q := explain.Query{X: make([]float32, D), Output: i % K}
		for j := range q.X {
			q.X[j] = float32(rng.NormFloat64())
		}
		qs = append(qs, q)
	}
	g, err := VanillaGradient(s, qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		for j := 0; j < D; j++ {
			if g[i][j] != w[j*K+q.Output] {
				t.Fatalf("query %d: ∂f_%d/∂x_%d = %v, weight is %v", i, q.Output, j, g[i][j], w[j*K+q.Output])
			}
		}
	}
	// Integrated Gradients of a linear function is exact at any step count.
	base := make([][]float32, len(qs))
	for i := range base {
		base[i] = BlackBaseline(qs[i].X)
	}
	ig, err := IntegratedGradients(s, qs, base, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, gap := range ig.Gap {
		if gap > 1e-4 {
			t.Errorf("query %d: IG completeness gap %v on a linear model", i, gap)
		}
	}
}

// runAndCheck runs o, checks the picture of each method it draws (a row of
// three 64-pixel tiles per input) and that Integrated Gradients is complete
// to within 1%, and returns the summary.
func runAndCheck(t *testing.T, o Options) map[string]any {
	t.Helper()
	s, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	rows := len(s["inputs"].([]map[string]any))
	for _, m := range s["methods"].([]string) {
		explaintest.CheckPNG(t, filepath.Join(o.Out, "saliency_"+m+".png"), 3*64, rows*64)
	}
	if e, ok := s["ig_completeness_error"].(float64); ok && !(e < 0.01) {
		t.Errorf("IG completeness error %v at %d steps (%s baseline), want < 1%%", e, o.Steps, o.Baseline)
	}
	if e, ok := s["deeplift_summation_error"].(float64); ok && !(e < 1e-4) {
		t.Errorf("DeepLIFT summation-to-delta error %v, want < 1e-4", e)
	}
	return s
}

func TestSaliencyClassifier(t *testing.T) {
	for _, cfg := range []string{explaintest.ClassifierMLP, explaintest.ClassifierCNN} {
		o := defaults(explaintest.Train(t, cfg), t.TempDir())
		o.Sanity = true
		s := runAndCheck(t, o)
		corr := s["randomization_spearman"].(map[string]float64)
		if !(corr["gradient"] < 0.5) {
			t.Errorf("gradient maps of the trained and the randomized model have Spearman %v, want < 0.5", corr["gradient"])
		}
		t.Logf("IG completeness error %.2e; randomization Spearman %v", s["ig_completeness_error"], corr)
	}
}

func TestSaliencyBlurBaseline(t *testing.T) {
	o := defaults(explaintest.Train(t, explaintest.ClassifierMLP), t.TempDir())
	o.Methods = []string{"ig"}
	o.Baseline = "blur"
	o.Inputs = "test:1,train:4"
	runAndCheck(t, o)
}

func TestSaliencyGANDiscriminator(t *testing.T) {
	runAndCheck(t, defaults(explaintest.Train(t, ganMLP), t.TempDir()))
}

func TestSaliencyRejectsBadOptions(t *testing.T) {
	run := explaintest.Train(t, explaintest.ClassifierMLP)
	bad := []func(*Options){
		func(o *Options) { o.Methods = []string{"lime"} },
		func(o *Options) { o.Baseline = "white" },
		func(o *Options) { o.Steps = 0 },
		func(o *Options) { o.Target = 10 },
		func(o *Options) { o.Inputs = "test:100000" },
		func(o *Options) { o.Run = t.TempDir() },
		func(o *Options) { o.MaxBatch = 0 },
		func(o *Options) { o.VAEOutput = "pixels" },
		func(o *Options) { o.Methods = []string{"gradcam"} }, // an MLP has no convolutional layer
		func(o *Options) { o.Window = 9 },                    // larger than the 8×8 digits
	}
	for i, f := range bad {
		o := defaults(run, t.TempDir())
		f(&o)
		if _, err := Run(o); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

func TestSpearman(t *testing.T) {
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); math.Abs(r-1) > 1e-12 {
		t.Errorf("monotone: %v", r)
	}
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Errorf("reversed: %v", r)
	}
	// scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = 0.8207826816681233
	if r := Spearman([]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}); math.Abs(r-0.8207826816681233) > 1e-12 {
		t.Errorf("with ties: %v", r)
	}
}

func TestBlur(t *testing.T) {
	flat := make([]float32, 64)
	for i := range flat {
		flat[i] = 0.3
	}
	for i, v := range Blur(flat, 1, 8, 8, 1.5) {
		if math.Abs(float64(v)-0.3) > 1e-6 {
			t.Fatalf("blurring a constant image changed pixel %d to %v", i, v)
		}
	}
	dot := make([]float32, 81)
	dot[40] = 1
	b := Blur(dot, 1, 9, 9, 1)
	var sum float64
	for _, v := range b {
		sum += float64(v)
	}
	if math.Abs(sum-1) > 1e-5 || !(b[40] < 0.5) || !(b[40] > b[41]) {
		t.Errorf("blurred point: sum %v, centre %v, neighbour %v", sum, b[40], b[41])
	}
}
