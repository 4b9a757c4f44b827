package saliency

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"genxai/nets"
	"genxai/xai/explain"
	"genxai/xai/explain/explaintest"
)

// randomQueries are n inputs of d values uniform in [0, 1), explaining
// output i mod outputs.
func randomQueries(n, d, outputs int, seed int64) []explain.Query {
	rng := rand.New(rand.NewSource(seed))
	qs := make([]explain.Query, n)
	for i := range qs {
		qs[i] = explain.Query{X: make([]float32, d), Output: i % outputs}
		for j := range qs[i].X {
			qs[i].X[j] = rng.Float32()
		}
	}
	return qs
}

// tinyClassifier builds a freshly initialized 1×8×8 classifier of three
// classes with batch rows, its nonlinearities under rules.
func tinyClassifier(t *testing.T, arch, act string, bn bool, batch int) *ruledScorer {
	t.Helper()
	cfg := nets.ClassifierConfig{Arch: arch, C: 1, H: 8, W: 8, Classes: 3, Hidden: []int{16}, Channels: []int{4, 6}, Activation: act, BatchNorm: bn}
	r := &rules{}
	st := nets.NewStore(5)
	st.Override = r.override
	c, err := nets.NewClassifier(st, cfg, batch, false)
	if err != nil {
		t.Fatal(err)
	}
	s, err := explain.NewScorer(c.Net, c.X, c.Logits, explaintest.Tape)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &ruledScorer{scorer: s, rules: r}
}

// TestOcclusionHandComputed: f(x) = Σ w_j x_j with w = 1…9 on a 3×3 image of
// ones, a 2×2 window of zeros at stride 1. The four windows drop f by
// 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24 and 5+6+8+9 = 28; each pixel gets
// the mean drop of the windows covering it.
func TestOcclusionHandComputed(t *testing.T) {
	store := nets.NewStore(1)
	n := nets.NewNet(store, false)
	x := n.Input("x", 2, 9) // 2 rows: the 5 variants run in 3 chunks
	out := n.Dense("linear", x, 1)
	s, err := explain.NewScorer(n, x, out, explaintest.Tape)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for j, w := range store.Data("linear.weight") {
		_ = w
		store.Data("linear.weight")[j] = float32(j + 1)
	}
	clear(store.Data("linear.bias"))
	ones := make([]float32, 9)
	for j := range ones {
		ones[j] = 1
	}
	want := []float32{12, 14, 16, 18, 20, 22, 24, 26, 28}
	for _, stride := range []int{1, 2} { // stride 2 adds the window at the edge: the same four
		a, err := Occlusion(s, []explain.Query{{X: ones}}, 1, 3, 3, 2, stride, 0)
		if err != nil {
			t.Fatal(err)
		}
		for j := range want {
			if math.Abs(float64(a[0][j]-want[j])) > 1e-5 {
				t.Fatalf("stride %d: occlusion map %v, want %v", stride, a[0], want)
			}
		}
	}
	if _, err := Occlusion(s, []explain.Query{{X: ones}}, 1, 3, 3, 4, 1, 0); err == nil {
		t.Error("a 4×4 window on a 3×3 image: no error")
	}
}

// TestDeepLIFTSummationToDelta checks Σ attributions = f(x) − f(x') within
// 1e-4 of |f(x) − f(x')| (floored at 1e-3) on MLPs and CNNs (max pooling, batch norm) with
// every activation the rescale rule is meant for, from black and from
// random baselines, over more inputs than one batch; and that the plain
// gradient × (x − x') misses it, so the check can fail.
func TestDeepLIFTSummationToDelta(t *testing.T) {
	for _, arch := range []string{"mlp", "cnn"} {
		for _, act := range []string{"relu", "leaky_relu", "tanh", "sigmoid"} {
			rs := tinyClassifier(t, arch, act, arch == "cnn", 4)
			qs := randomQueries(7, 64, 3, 1)
			for bi, base := range [][][]float32{blacks(qs), randomBaselines(qs, 2)} {
				r, err := DeepLIFT(rs, qs, base)
				if err != nil {
					t.Fatal(err)
				}
				for i := range r.Gap {
					// f is computed in float32 (absolute error ~1e-7·|f|), so
					// |Δf| is floored at 1e-3 for a randomly initialized net
					// whose outputs barely move.
					delta := r.FInput[i] - r.FBaseline[i]
					if g := math.Abs(r.Sum[i]-delta) / math.Max(math.Abs(delta), 1e-3); !(g < 1e-4) {
						t.Errorf("%s %s baseline %d input %d: Σ attr %v, f(x) − f(x') %v: relative gap %v", arch, act, bi, i,
							r.Sum[i], r.FInput[i]-r.FBaseline[i], g)
					}
				}
			}
			if act != "relu" {
				continue
			}
			g, err := VanillaGradient(rs.scorer, qs)
			if err != nil {
				t.Fatal(err)
			}
			// From a random baseline: from black, a ReLU network without
			// biases before its batch norms is positively homogeneous and
			// gradient × input sums to the delta exactly.
			worst := 0.0
			base := randomBaselines(qs, 2)
			r, _ := DeepLIFT(rs, qs, base)
			for i, q := range qs {
				var sum float64
				for j, v := range g[i] {
					sum += float64(v * (q.X[j] - base[i][j]))
				}
				worst = math.Max(worst, gap(sum, r.FInput[i]-r.FBaseline[i]))
			}
			if !(worst > 1e-3) {
				t.Errorf("%s: gradient × input also sums to the delta (gap %v): the check cannot tell", arch, worst)
			}
		}
	}
}

func blacks(qs []explain.Query) [][]float32 {
	b := make([][]float32, len(qs))
	for i, q := range qs {
		b[i] = BlackBaseline(q.X)
	}
	return b
}

func randomBaselines(qs []explain.Query, seed int64) [][]float32 {
	r := randomQueries(len(qs), len(qs[0].X), 1, seed)
	b := make([][]float32, len(qs))
	for i := range r {
		b[i] = r[i].X
	}
	return b
}

// relL2 is ‖a − b‖ / ‖b‖ over all rows.
func relL2(a, b [][]float32) float64 {
	var num, den float64
	for i := range a {
		for j := range a[i] {
			d := float64(a[i][j] - b[i][j])
			num += d * d
			den += float64(b[i][j]) * float64(b[i][j])
		}
	}
	return math.Sqrt(num / den)
}

// TestGradientSHAPApproachesIG: with one baseline and no noise,
// GradientSHAP's expectation is Integrated Gradients from that baseline;
// its Monte Carlo error shrinks with the sample count.
func TestGradientSHAPApproachesIG(t *testing.T) {
	rs := tinyClassifier(t, "mlp", "tanh", false, 64)
	qs := randomQueries(3, 64, 3, 4)
	ig, err := IntegratedGradients(rs.scorer, qs, blacks(qs), 512)
	if err != nil {
		t.Fatal(err)
	}
	base := [][]float32{make([]float32, 64)}
	var errs []float64
	for _, n := range []int{8, 4096} {
		gs, err := GradientSHAP(rs.scorer, qs, base, n, 0, rand.New(rand.NewSource(3)))
		if err != nil {
			t.Fatal(err)
		}
		errs = append(errs, relL2(gs, ig.Attr))
	}
	t.Logf("relative L2 distance to IG: %v", errs)
	if !(errs[1] < 0.03 && errs[1] < errs[0]/3) {
		t.Errorf("GradientSHAP vs IG: relative error %v with 8 samples, %v with 4096; want < 0.03 and shrinking", errs[0], errs[1])
	}
}

// TestGradCAM checks the maps' shape and sign, that they are not all zero,
// that the layer option is checked with the valid names in the error, and
// that guided Grad-CAM is zero wherever the Grad-CAM map is.
func TestGradCAM(t *testing.T) {
	rs := tinyClassifier(t, "cnn", "relu", false, 4)
	if got := strings.Join(rs.rules.convLayers(), ","); got != "conv1,conv2" {
		t.Fatalf("convolutional layers %q, want conv1,conv2", got)
	}
	qs := randomQueries(5, 64, 3, 6)
	for _, layer := range []string{"", "conv1", "conv2"} {
		maps, err := GradCAM(rs, qs, layer, 8, 8)
		if err != nil {
			t.Fatal(err)
		}
		positive := 0
		for i, m := range maps {
			if len(m) != 64 {
				t.Fatalf("layer %q image %d: map of %d values, want 64", layer, i, len(m))
			}
			for _, v := range m {
				if !(v >= 0) {
					t.Fatalf("layer %q image %d: negative or NaN value %v", layer, i, v)
				}
				if v > 0 {
					positive++
				}
			}
		}
		if positive == 0 {
			t.Errorf("layer %q: every map is zero", layer)
		}
		gg, err := GuidedGradCAM(rs, qs, layer, 1, 8, 8)
		if err != nil {
			t.Fatal(err)
		}
		for i := range gg {
			for p, v := range gg[i] {
				if maps[i][p] == 0 && v != 0 {
					t.Fatalf("layer %q: guided Grad-CAM %v where Grad-CAM is 0", layer, v)
				}
			}
		}
	}
	if _, err := GradCAM(rs, qs, "fc1", 8, 8); err == nil || !strings.Contains(err.Error(), "conv1, conv2") {
		t.Errorf("layer fc1: err = %v, want one listing conv1, conv2", err)
	}
}

// TestChunkedEqualsUnchunked: the path methods and occlusion give the same
// attributions whether a pass holds 3 rows or all of them.
func TestChunkedEqualsUnchunked(t *testing.T) {
	small, big := tinyClassifier(t, "cnn", "relu", true, 3), tinyClassifier(t, "cnn", "relu", true, 256)
	qs := randomQueries(5, 64, 3, 8)
	run := func(s *explain.Scorer) [][][]float32 {
		ig, err := IntegratedGradients(s, qs, blacks(qs), 40)
		if err != nil {
			t.Fatal(err)
		}
		sg, err := SmoothGradient(s, qs, 9, 0.1, rand.New(rand.NewSource(1)))
		if err != nil {
			t.Fatal(err)
		}
		gs, err := GradientSHAP(s, qs, randomBaselines(qs, 3), 9, 0.05, rand.New(rand.NewSource(1)))
		if err != nil {
			t.Fatal(err)
		}
		oc, err := Occlusion(s, qs, 1, 8, 8, 3, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		return [][][]float32{ig.Attr, sg, gs, oc}
	}
	a, b := run(small.scorer), run(big.scorer)
	for k, name := range []string{"ig", "smoothgrad", "gradshap", "occlusion"} {
		if d := relL2(a[k], b[k]); !(d < 1e-5) {
			t.Errorf("%s: chunks of 3 and of 256 differ by %v (relative L2)", name, d)
		}
	}
}

// TestSaliencyNewMethodsOnRuns runs every method on the trained CNN
// (Grad-CAM at conv1, DeepLIFT summing to the delta) and on a VAE's latent
// units and reconstruction error.
func TestSaliencyNewMethodsOnRuns(t *testing.T) {
	o := defaults(explaintest.Train(t, explaintest.ClassifierCNN), t.TempDir())
	o.Layer, o.MaxBatch, o.Steps = "conv1", 16, 64
	s := runAndCheck(t, o)
	if got := len(s["methods"].([]string)); got != len(Methods) {
		t.Errorf("the CNN ran %d methods, want all %d", got, len(Methods))
	}
	t.Logf("CNN: DeepLIFT summation error %.2e", s["deeplift_summation_error"])
	vae := explaintest.Train(t, explaintest.DigitsVAE(4, 2))
	for _, out := range []string{"latent", "recon"} {
		o := defaults(vae, t.TempDir())
		o.VAEOutput, o.Inputs, o.Sanity = out, "test:0,test:1,test:2", true
		s := runAndCheck(t, o)
		_, dl := s["deeplift_summation_error"]
		if dl != (out == "latent") {
			t.Errorf("VAE %s: DeepLIFT ran: %v", out, dl)
		}
	}
}
