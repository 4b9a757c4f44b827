package eval

import (
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"testing"
)

// reference is testdata/reference.json, written by scripts/eval_reference.py
// with numpy and scipy.
type reference struct {
	Real, Fake  [][]float64
	FID         float64 `json:"fid"`
	FIDSelf     float64 `json:"fid_self"`
	MMD2        float64 `json:"mmd2"`
	SubsetsReal [][]int `json:"kid_subsets_real"`
	SubsetsFake [][]int `json:"kid_subsets_fake"`
	KIDMean     float64 `json:"kid_mean"`
	KIDStd      float64 `json:"kid_std"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatalf("%v (written by scripts/eval_reference.py)", err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Real) != 40 || len(r.Fake) != 50 || len(r.SubsetsReal) != 5 || len(r.SubsetsFake) != 5 {
		t.Fatalf("reference.json: %d real, %d fake rows, %d/%d subsets; want 40, 50, 5, 5", len(r.Real), len(r.Fake), len(r.SubsetsReal), len(r.SubsetsFake))
	}
	return r
}

func near(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g (within %g relative)", what, got, want, rel)
	}
}

// TestFrechetAgainstScipy compares the Fréchet distance with pytorch-fid's
// formula as numpy and scipy.linalg.sqrtm compute it on the fixed sets.
func TestFrechetAgainstScipy(t *testing.T) {
	r := loadReference(t)
	fd, err := FrechetDistance(r.Real, r.Fake)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "FD(real, fake)", fd, r.FID, 1e-9)
	self, err := FrechetDistance(r.Real, r.Real)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "FD(real, real)", self, r.FIDSelf, 1e-9)
	if _, err := FrechetDistance(r.Real[:1], r.Fake); err == nil {
		t.Error("one real row: no error")
	}
}

// TestKIDAgainstNumpy compares the unbiased MMD² with the cubic kernel, and
// its mean and standard deviation over the fixed subsets, with numpy's.
func TestKIDAgainstNumpy(t *testing.T) {
	r := loadReference(t)
	near(t, "MMD²(real, fake)", MMD2Unbiased(r.Real, r.Fake), r.MMD2, 1e-12)
	mean, std := KIDSubsets(r.Real, r.Fake, r.SubsetsReal, r.SubsetsFake)
	near(t, "KID mean over the subsets", mean, r.KIDMean, 1e-12)
	near(t, "KID std over the subsets", std, r.KIDStd, 1e-12)
	// Subsets as large as the smaller set: every real subset is the whole
	// real set, so the estimates differ only by which fake rows are drawn.
	m, _, err := KID(r.Real, r.Fake, 3, 1000, rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m-r.MMD2) > 0.5*math.Abs(r.MMD2) {
		t.Errorf("KID over subsets of 40 = %v, far from the full-set MMD² %v", m, r.MMD2)
	}
	if same := MMD2Unbiased(r.Real, r.Real[:20]); math.Abs(same) > 0.5 {
		t.Errorf("MMD² of a set against half of itself = %v, want near 0", same)
	}
}

// line places points on the first axis of a 2-D feature space.
func line(xs ...float64) [][]float64 {
	out := make([][]float64, len(xs))
	for i, x := range xs {
		out[i] = []float64{x, 0}
	}
	return out
}

// TestManifoldMetricsByHand checks precision, recall, density and coverage
// against values worked out by hand from the papers' definitions.
//
// Real X = {0, 1, 3, 7}, generated Y = {0.5, 2.5, 12}.
// k = 1: real radii 1, 1, 2, 4; generated radii 2, 2, 9.5.
//
//	precision: 0.5 in ball(0), 2.5 in ball(3), 12 in none (5 > 4)   → 2/3
//	recall:    0, 1, 3 in ball(0.5)/ball(2.5); 7 in ball(12) (5 ≤ 9.5) → 1
//	density:   0.5 in balls 0 and 1, 2.5 in ball 3, 12 in none → 3/(1·3) = 1
//	coverage:  balls 0, 1, 3 hold a sample; ball(7) (r 4) does not → 3/4
//
// k = 2: real radii 3, 2, 3, 6; generated radii 11.5, 9.5, 11.5.
//
//	precision 1 (12 is in ball(7): 5 ≤ 6); recall 1;
//	density (3 + 4 + 1)/(2·3) = 4/3; coverage 1 (7 has 2.5 at 4.5 ≤ 6).
func TestManifoldMetricsByHand(t *testing.T) {
	real, fake := line(0, 1, 3, 7), line(0.5, 2.5, 12)
	for _, c := range []struct {
		k    int
		want PRDC
	}{
		{1, PRDC{Precision: 2.0 / 3, Recall: 1, Density: 1, Coverage: 0.75}},
		{2, PRDC{Precision: 1, Recall: 1, Density: 4.0 / 3, Coverage: 1}},
	} {
		got, err := ManifoldMetrics(real, fake, c.k, c.k)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Precision-c.want.Precision) > 1e-12 || math.Abs(got.Recall-c.want.Recall) > 1e-12 ||
			math.Abs(got.Density-c.want.Density) > 1e-12 || math.Abs(got.Coverage-c.want.Coverage) > 1e-12 {
			t.Errorf("k=%d: got %+v, want %+v", c.k, got, c.want)
		}
	}
	// Mixed k: precision/recall with k=1, density/coverage with k=2.
	got, err := ManifoldMetrics(real, fake, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Precision-2.0/3) > 1e-12 || math.Abs(got.Density-4.0/3) > 1e-12 {
		t.Errorf("k_pr=1, k_dc=2: got %+v, want precision 2/3 and density 4/3", got)
	}
	// A sample on the boundary counts (≤): 11 is exactly r = 4 from 7.
	got, err = ManifoldMetrics(real, line(0.5, 2.5, 11), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Precision != 1 || got.Coverage != 1 {
		t.Errorf("a sample on a ball's boundary: got %+v, want precision and coverage 1", got)
	}
	if _, err := ManifoldMetrics(real, fake, 3, 5); err == nil {
		t.Error("k = 5 nearest neighbours of 3 generated samples: no error")
	}
}

// TestSoftmaxProbe checks the classification-accuracy probe on separable
// clusters (perfect accuracy) and on labels unrelated to the features
// (chance), and that a probe trained on one labelling of the clusters and
// tested on the swapped labelling scores 0, as a CAS must for a generator
// that draws every class as another.
func TestSoftmaxProbe(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	centre := [][]float64{{3, 0}, {-3, 0}, {0, 3}}
	var x [][]float64
	var y, swapped []int
	for i := 0; i < 300; i++ {
		c := i % 3
		x = append(x, []float64{centre[c][0] + rng.NormFloat64()*0.3, centre[c][1] + rng.NormFloat64()*0.3, rng.NormFloat64()})
		y = append(y, c)
		swapped = append(swapped, (c+1)%3)
	}
	if acc, err := ClassificationAccuracyScore(x, y, x, y, 3); err != nil || acc != 1 {
		t.Errorf("separable clusters: accuracy %v (%v), want 1", acc, err)
	}
	if acc, _ := ClassificationAccuracyScore(x, swapped, x, y, 3); acc != 0 {
		t.Errorf("trained on swapped labels: accuracy %v, want 0", acc)
	}
	noise := make([]int, len(y))
	for i := range noise {
		noise[i] = rng.Intn(3)
	}
	if acc, _ := ClassificationAccuracyScore(x[:150], noise[:150], x[150:], noise[150:], 3); acc > 0.55 {
		t.Errorf("random labels: held-out accuracy %v, want near 1/3", acc)
	}
	if _, err := FitSoftmaxProbe(x, y, 2, 10); err == nil {
		t.Error("label 2 with 2 classes: no error")
	}
}

// TestBitsPerChar checks the cross-entropy of next characters against
// probabilities worked out by hand.
func TestBitsPerChar(t *testing.T) {
	// Uniform over 4 characters: 2 bits each.
	nats, err := NatsOfNext(make([]float32, 3*4), []int{0, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "uniform bits per char", BitsPerChar(nats, 3), 2, 1e-12)
	// Logits log 1, log 3 over 2 characters: p = 1/4, 3/4.
	l := []float32{0, float32(math.Log(3))}
	nats, _ = NatsOfNext(append(append([]float32{}, l...), l...), []int{0, 1})
	near(t, "nats", nats, math.Log(4)+math.Log(4.0/3), 1e-6)
	if _, err := NatsOfNext(make([]float32, 8), []int{0, 5}); err == nil {
		t.Error("a token outside the vocabulary: no error")
	}
}
