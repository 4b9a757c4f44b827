package glassbox

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// additiveData draws rows with three uniform features and the target
// f0(x0) + f1(x1) + f2(x2) (+ noise); f2 is zero.
func additiveData(n int, noise float64, seed uint64) (x, y []float64, shapes []func(float64) float64) {
	shapes = []func(float64) float64{
		func(v float64) float64 { return math.Sin(2 * v) },
		func(v float64) float64 { return 0.5 * v * v },
		func(v float64) float64 { return 0 },
	}
	r := rand.New(rand.NewPCG(seed, 11))
	x = make([]float64, 3*n)
	y = make([]float64, n)
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < 3; j++ {
			v := -2 + 4*r.Float64()
			x[3*i+j] = v
			s += shapes[j](v)
		}
		y[i] = s + noise*r.NormFloat64()
	}
	return x, y, shapes
}

// centredTruth returns the true shape evaluated at each training row's
// value, centred to mean zero over the rows like the model's terms.
func shapeError(t *testing.T, m *EBM, x []float64, j int, f func(float64) float64) (rmse float64) {
	t.Helper()
	n := len(x) / len(m.Features)
	p := len(m.Features)
	var truth, fit []float64
	mt, mf := 0.0, 0.0
	for i := 0; i < n; i++ {
		v := x[i*p+j]
		truth = append(truth, f(v))
		fit = append(fit, m.Terms[j].Scores[m.Bins[j].Bin(v)])
		mt += truth[i]
		mf += fit[i]
	}
	mt /= float64(n)
	mf /= float64(n)
	if math.Abs(mf) > 1e-9 {
		t.Errorf("term %d is not centred: mean %.3g", j, mf)
	}
	for i := range truth {
		d := (fit[i] - mf) - (truth[i] - mt)
		rmse += d * d
	}
	return math.Sqrt(rmse / float64(n))
}

func TestEBMRecoversAdditiveShapes(t *testing.T) {
	x, y, shapes := additiveData(3000, 0.1, 1)
	m, err := FitEBM(x, y, []string{"sin", "square", "none"}, nil, EBMOptions{
		Regression: true, OuterBags: 4, LearningRate: 0.05, MaxBins: 64, MaxRounds: 2000, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	for j, f := range shapes {
		e := shapeError(t, m, x, j, f)
		limit := 0.06 // the shapes span about 2 units; noise sd 0.1
		if e > limit {
			t.Errorf("shape %s: RMSE to the truth %.4f > %.2f", m.Features[j], e, limit)
		}
	}
	imp := m.Importances()
	if imp[2].Term != "none" || imp[2].Importance > 0.05 {
		t.Errorf("the null feature should rank last with ~0 importance: %+v", imp)
	}
	// Held-out fit close to the noise level.
	xt, yt, _ := additiveData(1000, 0.1, 2)
	s, err := m.Score(xt, yt)
	if err != nil {
		t.Fatal(err)
	}
	if s.RMSE > 0.14 || s.R2 < 0.97 {
		t.Errorf("held-out RMSE %.4f R² %.4f", s.RMSE, s.R2)
	}
}

func TestEBMClassificationLocalExplanationsSum(t *testing.T) {
	x, f, _ := additiveData(2000, 0, 3)
	r := rand.New(rand.NewPCG(3, 3))
	y := make([]float64, len(f))
	for i, v := range f {
		if r.Float64() < 1/(1+math.Exp(-2*(v-0.6))) {
			y[i] = 1
		}
	}
	m, err := FitEBM(x, y, []string{"a", "b", "c"}, []string{"no", "yes"}, EBMOptions{OuterBags: 3, LearningRate: 0.05, MaxBins: 32, Interactions: 1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Terms) != 4 || !m.Terms[3].IsPair() {
		t.Fatalf("want 3 mains and 1 pair, got %d terms", len(m.Terms))
	}
	for i := 0; i < 50; i++ {
		row := x[3*i : 3*i+3]
		e := m.Explain(row)
		sum := e.Intercept
		for _, c := range e.Terms {
			sum += c.Score
		}
		if math.Abs(sum-e.Logit) > 1e-12 || math.Abs(e.Logit-m.Logit(row)) > 1e-12 {
			t.Fatalf("row %d: intercept+contributions %.15f, explanation logit %.15f, model logit %.15f", i, sum, e.Logit, m.Logit(row))
		}
		pr := m.Probability(row)
		if math.Abs(pr-1/(1+math.Exp(-sum))) > 1e-12 {
			t.Fatalf("row %d: probability %.6f does not match the logit", i, pr)
		}
	}
	s, err := m.Score(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if s.Accuracy < 0.75 {
		t.Errorf("training accuracy %.3f", s.Accuracy)
	}
	imp := m.Importances()
	for i := 1; i < len(imp); i++ {
		if imp[i].Importance > imp[i-1].Importance {
			t.Fatalf("importances not sorted: %+v", imp)
		}
	}
}

func TestEBMDeterministic(t *testing.T) {
	x, y, _ := additiveData(600, 0.2, 4)
	opt := EBMOptions{Regression: true, OuterBags: 3, LearningRate: 0.05, MaxBins: 32, Seed: 9, Workers: 3}
	a, err := FitEBM(x, y, []string{"a", "b", "c"}, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Workers = 1
	b, err := FitEBM(x, y, []string{"a", "b", "c"}, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Terms, b.Terms) || a.Intercept != b.Intercept {
		t.Error("two fits with the same seed differ")
	}
	opt.Seed = 10
	c, _ := FitEBM(x, y, []string{"a", "b", "c"}, nil, opt)
	if reflect.DeepEqual(a.Terms, c.Terms) {
		t.Error("a different seed gave the identical model")
	}
}

func TestFASTFindsTheInteraction(t *testing.T) {
	// y depends on x0·x1 only; x2, x3 are noise. The top FAST pair is (0,1).
	r := rand.New(rand.NewPCG(6, 6))
	n, p := 2000, 4
	codes := make([][]uint16, p)
	bins := make([]Binning, p)
	x := make([][]float64, p)
	for j := 0; j < p; j++ {
		x[j] = make([]float64, n)
		for i := range x[j] {
			x[j][i] = r.NormFloat64()
		}
		bins[j] = QuantileBinning(x[j], 16, false)
		codes[j] = make([]uint16, n)
		for i := range codes[j] {
			codes[j][i] = uint16(bins[j].Bin(x[j][i]))
		}
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = x[0][i]*x[1][i] + 0.1*r.NormFloat64()
	}
	ranked := RankPairsFAST(codes, bins, y, make([]float64, n), true, 5)
	if len(ranked) != 6 || ranked[0].A != 0 || ranked[0].B != 1 {
		t.Fatalf("FAST ranking %+v, want (0,1) first of 6", ranked)
	}
	if ranked[0].Gain < 5*ranked[1].Gain {
		t.Errorf("true pair gain %.2f not well above the next %.2f", ranked[0].Gain, ranked[1].Gain)
	}
}

func TestQuantileBinning(t *testing.T) {
	v := []float64{5, 1, 1, 2, 3, math.NaN(), 4, 4, 4, 4}
	b := QuantileBinning(v, 256, false)
	if b.NumBins() != 6 || b.Bin(math.NaN()) != 0 || b.Bin(1) != 1 || b.Bin(5) != 5 || b.Bin(100) != 5 || b.Bin(-3) != 1 {
		t.Fatalf("exact binning: cuts %v bins %d", b.Cuts, b.NumBins())
	}
	many := make([]float64, 1000)
	for i := range many {
		many[i] = float64(i)
	}
	q := QuantileBinning(many, 10, false)
	if len(q.Cuts) != 9 {
		t.Fatalf("%d cuts for 10 bins: %v", len(q.Cuts), q.Cuts)
	}
	counts := make([]int, q.NumBins())
	for _, x := range many {
		counts[q.Bin(x)]++
	}
	for k := 1; k < len(counts); k++ {
		if counts[k] < 90 || counts[k] > 110 {
			t.Errorf("bin %d holds %d of 1000 rows (want about 100)", k, counts[k])
		}
	}
	lo, hi := q.Edges(1)
	if lo != 0 || hi != q.Cuts[0] {
		t.Errorf("edges of bin 1: %v %v", lo, hi)
	}
}

func TestEBMRejectsBadInput(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6}
	if _, err := FitEBM(x, []float64{0, 1, 2, 0, 1, 2}, []string{"a"}, nil, EBMOptions{}); err == nil {
		t.Error("multiclass label accepted")
	}
	if _, err := FitEBM(x, []float64{1, 1, 1, 1, 1, 1}, []string{"a"}, nil, EBMOptions{}); err == nil {
		t.Error("single-class label accepted")
	}
	if _, err := FitEBM(x, []float64{0, 1}, []string{"a"}, nil, EBMOptions{}); err == nil {
		t.Error("shape mismatch accepted")
	}
	if _, err := FitEBM(x, []float64{0, 1, 0, 1, 0, 1}, []string{"a"}, nil, EBMOptions{LearningRate: 2}); err == nil {
		t.Error("learning rate 2 accepted")
	}
}

func TestEBMMissingValues(t *testing.T) {
	// Feature a is missing in a tenth of the rows, and missingness itself
	// raises y: the missing bin must learn a positive score.
	x, y, _ := additiveData(2000, 0.1, 8)
	for i := 0; i < len(y); i += 10 {
		x[3*i] = math.NaN()
		y[i] += 1
	}
	m, err := FitEBM(x, y, []string{"a", "b", "c"}, nil, EBMOptions{Regression: true, OuterBags: 2, LearningRate: 0.05, MaxBins: 32, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Terms[0].Scores[0]; s < 0.6 {
		t.Errorf("missing-value bin score %.3f, want about 1", s)
	}
	// Without missing training values a missing input gets the average, 0.
	m2, err := FitEBM(x[3*1:3*10], y[1:10], []string{"a", "b", "c"}, nil, EBMOptions{Regression: true, OuterBags: 1, MinSamplesLeaf: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m2.Terms[1].Scores[0] != 0 {
		t.Errorf("unseen missing bin has score %v, want 0", m2.Terms[1].Scores[0])
	}
}
