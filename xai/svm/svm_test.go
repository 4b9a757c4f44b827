package svm

import (
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// blobs draws n points in d dimensions around k centres spread by sep.
func blobs(rng *rand.Rand, n, d, k int, sep float64) ([]float64, []int) {
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range centres[c] {
			centres[c][j] = rng.NormFloat64() * sep
		}
	}
	X := make([]float64, n*d)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		c := i % k
		y[i] = 10 * (c + 1) // arbitrary, non-contiguous labels
		for j := 0; j < d; j++ {
			X[i*d+j] = centres[c][j] + rng.NormFloat64()
		}
	}
	return X, y
}

// trainingDecision evaluates Σ coef_j K(x_j, x_i) − rho for every training row.
func trainingDecision(k *kernelFunc, x [][]float64, res binaryResult) []float64 {
	f := make([]float64, len(x))
	for i := range x {
		sqi := dot(x[i], x[i])
		for j, c := range res.coef {
			if c != 0 {
				f[i] += c * k.fromDot(dot(x[i], x[j]), sqi, dot(x[j], x[j]))
			}
		}
		f[i] -= res.rho
	}
	return f
}

func rowsOf(X []float64, n, d int) [][]float64 {
	r := make([][]float64, n)
	for i := range r {
		r[i] = X[i*d : (i+1)*d]
	}
	return r
}

func TestSeparableKKT(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	n, d := 200, 5
	X := make([]float64, n*d)
	y := make([]int, n)
	w := []float64{1, -2, 0.5, 1.5, -1}
	for i := 0; i < n; {
		row := X[i*d : (i+1)*d]
		var s float64
		for j := range row {
			row[j] = rng.NormFloat64() * 2
			s += w[j] * row[j]
		}
		if math.Abs(s) < 0.5 { // keep a margin
			continue
		}
		if s > 0 {
			y[i] = 1
		} else {
			y[i] = 2
		}
		i++
	}
	for _, kern := range []string{"linear", "rbf"} {
		p := DefaultParams()
		p.Kernel, p.C, p.Tol = kern, 10, 1e-3
		m := mustFit(t, X, n, d, y, p)
		pred := m.Predict(X, n)
		for i := range pred {
			if pred[i] != y[i] {
				t.Fatalf("%s: training row %d predicted %d, want %d on separable data", kern, i, pred[i], y[i])
			}
		}
		// KKT of the dual at the returned α, checked on the binary problem.
		r, _ := p.resolve()
		k := &kernelFunc{kind: r.kernel, gamma: m.Gamma(), degree: 3}
		yy := make([]int8, n)
		for i, v := range y {
			yy[i] = 1
			if v == 2 {
				yy[i] = -1
			}
		}
		x := rowsOf(X, n, d)
		res := solveCSVC(k, x, yy, p.C, p.Tol, true, 1<<20, 0, nil)
		f := trainingDecision(k, x, res)
		var sumYA float64
		const tol = 2e-3 // the stopping rule bounds the violation by Tol
		for i := range f {
			a := res.coef[i] * float64(yy[i])
			sumYA += res.coef[i]
			yf := float64(yy[i]) * f[i]
			switch {
			case a < -1e-12 || a > p.C+1e-12:
				t.Fatalf("%s: α_%d = %v outside [0, C]", kern, i, a)
			case a == 0 && yf < 1-tol:
				t.Errorf("%s: α_%d = 0 but y f = %v < 1", kern, i, yf)
			case a == p.C && yf > 1+tol:
				t.Errorf("%s: α_%d = C but y f = %v > 1", kern, i, yf)
			case a > 0 && a < p.C && math.Abs(yf-1) > tol:
				t.Errorf("%s: free α_%d but y f = %v ≠ 1", kern, i, yf)
			}
		}
		if math.Abs(sumYA) > 1e-9 {
			t.Errorf("%s: Σ y α = %v, want 0", kern, sumYA)
		}
		if m.NSupport() == 0 || m.NSupport() > n/2 {
			t.Errorf("%s: %d support vectors of %d rows on separable data", kern, m.NSupport(), n)
		}
	}
}

// bruteForceDual minimises ½αᵀQα − eᵀα over {0 ≤ α ≤ C, yᵀα = 0} by
// accelerated projected gradient, projecting by bisection on the
// multiplier of the equality constraint.
func bruteForceDual(Q [][]float64, y []int8, C float64) float64 {
	l := len(y)
	var L float64 // Lipschitz bound: max row sum of |Q|
	for i := range Q {
		var s float64
		for _, v := range Q[i] {
			s += math.Abs(v)
		}
		L = math.Max(L, s)
	}
	project := func(v []float64) []float64 {
		out := make([]float64, l)
		g := func(mu float64) float64 {
			var s float64
			for i := range v {
				a := math.Min(C, math.Max(0, v[i]-mu*float64(y[i])))
				out[i] = a
				s += float64(y[i]) * a
			}
			return s
		}
		lo, hi := -1e6, 1e6 // g is non-increasing in mu
		for it := 0; it < 100; it++ {
			mid := (lo + hi) / 2
			if g(mid) > 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		g((lo + hi) / 2)
		return out
	}
	obj := func(a []float64) float64 {
		var o float64
		for i := range a {
			for j := range a {
				o += 0.5 * a[i] * Q[i][j] * a[j]
			}
			o -= a[i]
		}
		return o
	}
	a := make([]float64, l)
	z := append([]float64(nil), a...)
	tk := 1.0
	for it := 0; it < 5000; it++ {
		grad := make([]float64, l)
		for i := range z {
			for j := range z {
				grad[i] += Q[i][j] * z[j]
			}
			grad[i] -= 1
		}
		v := make([]float64, l)
		for i := range v {
			v[i] = z[i] - grad[i]/L
		}
		an := project(v)
		tn := (1 + math.Sqrt(1+4*tk*tk)) / 2
		for i := range z {
			z[i] = an[i] + (tk-1)/tn*(an[i]-a[i])
		}
		a, tk = an, tn
	}
	return obj(a)
}

func TestDualMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 12; trial++ {
		l := 4 + trial%5
		d := 2
		X := make([]float64, l*d)
		for i := range X {
			X[i] = rng.NormFloat64()
		}
		yy := make([]int8, l)
		for i := range yy {
			yy[i] = 1
			if i%2 == 1 || rng.Intn(3) == 0 {
				yy[i] = -1
			}
		}
		yy[0], yy[1] = 1, -1
		kinds := []kernelFunc{
			{kind: kLinear},
			{kind: kRBF, gamma: 0.7},
			{kind: kPoly, gamma: 0.5, coef0: 1, degree: 2},
		}
		k := kinds[trial%len(kinds)]
		C := []float64{0.1, 1, 10}[trial%3]
		x := rowsOf(X, l, d)
		Q := make([][]float64, l)
		for i := range Q {
			Q[i] = make([]float64, l)
			for j := range Q[i] {
				Q[i][j] = float64(yy[i]*yy[j]) * k.fromDot(dot(x[i], x[j]), dot(x[i], x[i]), dot(x[j], x[j]))
			}
		}
		want := bruteForceDual(Q, yy, C)
		for _, shrink := range []bool{false, true} {
			res := solveCSVC(&k, x, yy, C, 1e-9, shrink, 1<<20, 0, nil)
			// Recompute the objective from coef in double precision.
			a := make([]float64, l)
			for i := range a {
				a[i] = res.coef[i] * float64(yy[i])
			}
			var got float64
			for i := range a {
				for j := range a {
					got += 0.5 * a[i] * Q[i][j] * a[j]
				}
				got -= a[i]
			}
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("trial %d (%v, C=%v, l=%d, shrink %v): SMO dual %.10f, brute force %.10f", trial, k.kind, C, l, shrink, got, want)
			}
			if math.Abs(res.obj-got) > 1e-5*math.Max(1, math.Abs(got)) {
				t.Errorf("trial %d: reported objective %.10f, recomputed %.10f", trial, res.obj, got)
			}
		}
	}
}

func TestMulticlassOVO(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n, d, k := 300, 4, 3
	X, y := blobs(rng, n, d, k, 4)
	Xt, yt := blobs(rand.New(rand.NewSource(3)), n, d, k, 4) // same centres
	_ = Xt
	rng2 := rand.New(rand.NewSource(99))
	for i := range Xt { // fresh noise around the same centres
		Xt[i] = X[i] + 0.3*rng2.NormFloat64()
	}
	p := DefaultParams()
	p.Standardize = true
	m := mustFit(t, X, n, d, y, p)
	if got := m.Classes(); len(got) != 3 || got[0] != 10 || got[1] != 20 || got[2] != 30 {
		t.Fatalf("classes %v, want [10 20 30]", got)
	}
	dec := m.DecisionFunction(Xt, n)
	pred := m.Predict(Xt, n)
	correct := 0
	for i := range pred {
		if len(dec[i]) != 3 {
			t.Fatalf("row %d: %d decision values, want 3 pairs", i, len(dec[i]))
		}
		votes := make([]float64, 3)
		w := vote(dec[i], votes, 3)
		if m.classes[w] != pred[i] {
			t.Fatalf("row %d: Predict %d but votes of DecisionFunction give %d", i, pred[i], m.classes[w])
		}
		if pred[i] == yt[i] {
			correct++
		}
	}
	if acc := float64(correct) / float64(n); acc < 0.9 {
		t.Errorf("accuracy %.3f on well-separated blobs, want ≥ 0.9", acc)
	}
	// Each pair's decision must agree with a binary model trained on that pair alone.
	var Xp []float64
	var yp []int
	for i := 0; i < n; i++ {
		if y[i] == 10 || y[i] == 30 {
			Xp = append(Xp, X[i*d:(i+1)*d]...)
			yp = append(yp, y[i])
		}
	}
	pp := p
	pp.Gamma = formatFloat(m.Gamma())
	pp.Standardize = false
	// Standardize the pair data with the multiclass model's statistics.
	Xps := append([]float64(nil), Xp...)
	applyStandardization(Xps, d, m.mean, m.scale)
	mb := mustFit(t, Xps, len(yp), d, yp, pp)
	Xts := append([]float64(nil), Xt...)
	applyStandardization(Xts, d, m.mean, m.scale)
	db := mb.DecisionFunction(Xts, n)
	for i := range db {
		if math.Abs(db[i][0]-dec[i][1]) > 1e-6 {
			t.Fatalf("row %d: pair (10,30) decision %v, binary model %v", i, dec[i][1], db[i][0])
		}
	}
}

func TestProbabilities(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	n, d := 600, 2
	X, y := blobs(rng, n, d, 3, 1.5) // overlapping classes
	p := DefaultParams()
	p.Probability = true
	p.Seed = 1
	m := mustFit(t, X, n, d, y, p)
	Xt, yt := X, y
	prob, err := m.PredictProba(Xt, n)
	if err != nil {
		t.Fatal(err)
	}
	pred := m.Predict(Xt, n)
	agree := 0
	var brier, brierPrior float64
	// reliability: in bins of predicted probability, the observed frequency is close.
	var binP, binY [5]float64
	var binN [5]int
	for i := range prob {
		var s float64
		best := 0
		for c, v := range prob[i] {
			if v < 0 || v > 1 {
				t.Fatalf("row %d: probability %v outside [0,1]", i, v)
			}
			s += v
			if v > prob[i][best] {
				best = c
			}
			obs := 0.0
			if m.classes[c] == yt[i] {
				obs = 1
			}
			brier += (v - obs) * (v - obs)
			brierPrior += (1.0/3 - obs) * (1.0/3 - obs)
			b := min(int(v*5), 4)
			binP[b] += v
			binY[b] += obs
			binN[b]++
		}
		if math.Abs(s-1) > 1e-9 {
			t.Fatalf("row %d: probabilities sum to %v", i, s)
		}
		if m.classes[best] == pred[i] {
			agree++
		}
	}
	if float64(agree)/float64(n) < 0.9 {
		t.Errorf("argmax probability agrees with the vote on only %d/%d rows", agree, n)
	}
	if brier > 0.7*brierPrior {
		t.Errorf("Brier score %.2f is not clearly below the uniform guess %.2f", brier, brierPrior)
	}
	for b := range binN {
		if binN[b] < 30 {
			continue
		}
		mp, my := binP[b]/float64(binN[b]), binY[b]/float64(binN[b])
		if math.Abs(mp-my) > 0.15 {
			t.Errorf("bin %d: mean predicted %.3f, observed %.3f (n=%d)", b, mp, my, binN[b])
		}
	}
	m2, _ := Fit(X, n, d, y, DefaultParams())
	if _, err := m2.PredictProba(X, n); !errors.Is(err, ErrNoProbability) {
		t.Errorf("PredictProba without Probability: err = %v, want ErrNoProbability", err)
	}
}

func TestTinyCacheSameAsLargeCache(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	n, d := 400, 6
	X, y := blobs(rng, n, d, 2, 0.8)
	for _, shrink := range []bool{false, true} {
		p := DefaultParams()
		p.Shrinking = shrink
		p.C = 5
		big := mustFit(t, X, n, d, y, p)
		p.CacheMB = 1e-9 // clamps to two columns
		tiny := mustFit(t, X, n, d, y, p)
		if big.NSupport() != tiny.NSupport() || big.iters[0] != tiny.iters[0] {
			t.Fatalf("shrink %v: big cache %d SVs / %d iterations, tiny cache %d / %d", shrink, big.NSupport(), big.iters[0], tiny.NSupport(), tiny.iters[0])
		}
		if big.rho[0] != tiny.rho[0] {
			t.Errorf("shrink %v: rho %v vs %v", shrink, big.rho[0], tiny.rho[0])
		}
		for i := range big.coef[0] {
			if big.coef[0][i] != tiny.coef[0][i] {
				t.Fatalf("shrink %v: coefficient %d differs: %v vs %v", shrink, i, big.coef[0][i], tiny.coef[0][i])
			}
		}
	}
}

func TestShrinkingSameSolution(t *testing.T) {
	n := 500
	X, a, b := fitTwice(t, 13, n, 5, 3, 0.7, func(p *Params, second bool) { p.C, p.Shrinking = 3, !second })
	for q := range a.objs {
		if math.Abs(a.objs[q]-b.objs[q]) > 1e-3*math.Abs(b.objs[q]) {
			t.Errorf("pair %d: dual objective %v with shrinking, %v without", q, a.objs[q], b.objs[q])
		}
	}
	da, db := a.DecisionFunction(X, n), b.DecisionFunction(X, n)
	var maxDiff float64
	for i := range da {
		for q := range da[i] {
			maxDiff = math.Max(maxDiff, math.Abs(da[i][q]-db[i][q]))
		}
	}
	if maxDiff > 0.05 {
		t.Errorf("decision values differ by up to %v between shrinking on and off", maxDiff)
	}
	if diff := a.NSupport() - b.NSupport(); diff*diff > (b.NSupport()/50+1)*(b.NSupport()/50+1) {
		t.Errorf("%d support vectors with shrinking, %d without", a.NSupport(), b.NSupport())
	}
}

func TestWorkersDeterministic(t *testing.T) {
	n := 300
	X, a, b := fitTwice(t, 17, n, 3, 4, 1, func(p *Params, second bool) {
		p.Workers = 1
		if second {
			p.Workers = 3
		}
	})
	da, db := a.DecisionFunction(X, n), b.DecisionFunction(X, n)
	for i := range da {
		for q := range da[i] {
			if da[i][q] != db[i][q] {
				t.Fatalf("row %d pair %d: %v with 1 worker, %v with 3", i, q, da[i][q], db[i][q])
			}
		}
	}
}

func TestKernelsAndGamma(t *testing.T) {
	X := []float64{0, 0, 1, 1, 2, 0, 3, 1}
	if g, _ := resolveGamma("scale", X, 2); math.Abs(g-1/(2*variance(X))) > 1e-15 {
		t.Errorf("scale gamma %v", g)
	}
	if g, _ := resolveGamma("auto", X, 2); g != 0.5 {
		t.Errorf("auto gamma %v, want 0.5", g)
	}
	if g, _ := resolveGamma("0.25", X, 2); g != 0.25 {
		t.Errorf("numeric gamma %v", g)
	}
	if g, _ := resolveGamma("scale", make([]float64, 4), 2); g != 1 {
		t.Errorf("scale gamma on constant data %v, want 1", g)
	}
	k := kernelFunc{kind: kPoly, gamma: 0.5, coef0: 1, degree: 3}
	if v := k.fromDot(2, 0, 0); math.Abs(v-8) > 1e-12 {
		t.Errorf("poly kernel %v, want 8", v)
	}
	k = kernelFunc{kind: kRBF, gamma: 0.5}
	// x=(1,0), z=(0,1): ‖x−z‖² = 2.
	if v := k.fromDot(0, 1, 1); math.Abs(v-math.Exp(-1)) > 1e-15 {
		t.Errorf("rbf kernel %v", v)
	}
	k = kernelFunc{kind: kSigmoid, gamma: 0.5, coef0: -1}
	if v := k.fromDot(2, 0, 0); v != 0 {
		t.Errorf("sigmoid kernel %v, want tanh(0)", v)
	}
	rng := rand.New(rand.NewSource(19))
	Xb, yb := blobs(rng, 120, 3, 2, 2)
	for _, kern := range []string{"linear", "rbf", "poly", "sigmoid"} {
		p := DefaultParams()
		p.Kernel = kern
		if kern == "sigmoid" {
			p.Gamma = "0.05"
		}
		m, err := Fit(Xb, 120, 3, yb, p)
		if err != nil {
			t.Fatalf("%s: %v", kern, err)
		}
		pred := m.Predict(Xb, 120)
		c := 0
		for i := range pred {
			if pred[i] == yb[i] {
				c++
			}
		}
		if c < 100 {
			t.Errorf("%s kernel: %d/120 correct on separated blobs", kern, c)
		}
	}
}

func TestFitErrors(t *testing.T) {
	X := []float64{1, 2, 3, 4}
	cases := []struct {
		name string
		X    []float64
		n, d int
		y    []int
		p    func(*Params)
		want string
	}{
		{"one class", X, 2, 2, []int{1, 1}, nil, "only one class"},
		{"label count", X, 2, 2, []int{1}, nil, "1 labels for 2"},
		{"shape", X, 3, 2, []int{1, 2, 1}, nil, "want n·d"},
		{"empty", nil, 0, 2, nil, nil, "0 rows"},
		{"nan", []float64{1, math.NaN(), 3, 4}, 2, 2, []int{1, 2}, nil, "row 0, feature 1"},
		{"bad C", X, 2, 2, []int{1, 2}, func(p *Params) { p.C = -1 }, "C must be"},
		{"bad kernel", X, 2, 2, []int{1, 2}, func(p *Params) { p.Kernel = "cubic" }, "kernel \"cubic\""},
		{"bad gamma", X, 2, 2, []int{1, 2}, func(p *Params) { p.Gamma = "fast" }, "gamma \"fast\""},
		{"negative gamma", X, 2, 2, []int{1, 2}, func(p *Params) { p.Gamma = "-1" }, "gamma \"-1\""},
	}
	for _, c := range cases {
		p := DefaultParams()
		if c.p != nil {
			c.p(&p)
		}
		_, err := Fit(c.X, c.n, c.d, c.y, p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	m := mustFit(t, X, 2, 2, []int{1, 2}, DefaultParams())
	if err := m.CheckInput([]float64{1, 2, 3}, 2); !errors.Is(err, ErrShape) {
		t.Errorf("CheckInput on a ragged matrix: %v", err)
	}
}

func TestCacheAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	l := 30
	// reference value of entry (i,j) given the permutation pos→original.
	perm := make([]int, l)
	for i := range perm {
		perm[i] = i
	}
	val := func(a, b int) float32 { return float32(perm[a]*100 + perm[b]) }
	c := newLRUCache(l, int64(3*l))
	for step := 0; step < 5000; step++ {
		if rng.Intn(10) == 0 {
			i, j := rng.Intn(l), rng.Intn(l)
			c.swap(i, j)
			perm[i], perm[j] = perm[j], perm[i]
			continue
		}
		i, n := rng.Intn(l), 1+rng.Intn(l)
		data, start := c.get(i, n)
		if len(data) < n {
			t.Fatalf("get(%d,%d) returned %d entries", i, n, len(data))
		}
		for j := 0; j < min(start, n); j++ {
			if data[j] != val(i, j) {
				t.Fatalf("step %d: cached entry (%d,%d) = %v, want %v", step, i, j, data[j], val(i, j))
			}
		}
		for j := start; j < n; j++ {
			data[j] = val(i, j)
		}
		var used int64
		for _, col := range c.cols {
			used += int64(len(col))
		}
		if used+c.free != int64(3*l) || c.free < 0 {
			t.Fatalf("step %d: %d entries used + %d free ≠ budget %d", step, used, c.free, 3*l)
		}
	}
}

func TestValidate(t *testing.T) {
	p := DefaultParams()
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, g := range []string{"scale", "auto", "0.5", " 2 "} {
		p.Gamma = g
		if err := p.Validate(); err != nil {
			t.Errorf("gamma %q: %v", g, err)
		}
	}
	for _, g := range []string{"0", "-1", "nan", "inf", "fast"} {
		p.Gamma = g
		if err := p.Validate(); err == nil {
			t.Errorf("gamma %q accepted", g)
		}
	}
	p = DefaultParams()
	p.Tol = -1
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "tol") {
		t.Errorf("negative tol: %v", err)
	}
}

func TestMaxIterWarns(t *testing.T) {
	rng := rand.New(rand.NewSource(29))
	X, y := blobs(rng, 200, 3, 2, 0.5)
	p := DefaultParams()
	p.MaxIter = 5
	m := mustFit(t, X, 200, 3, y, p)
	if w := m.Warnings(); len(w) != 1 || !strings.Contains(w[0], "iteration bound") {
		t.Errorf("warnings %q, want one about the iteration bound", w)
	}
	if it := m.Iterations(); it[0] != 5 {
		t.Errorf("%d iterations, want 5", it[0])
	}
}

// mustFit fits and fails the test on an error.
// fitTwice fits the default parameters, adjusted by set, twice on n blobs
// of d features in k classes (seeded): the first fit with second false, the
// other with it true. It returns the data and both models.
func fitTwice(t *testing.T, seed int64, n, d, k int, spread float64, set func(p *Params, second bool)) (X []float64, a, b *Model) {
	t.Helper()
	X, y := blobs(rand.New(rand.NewSource(seed)), n, d, k, spread)
	for _, second := range []bool{false, true} {
		p := DefaultParams()
		set(&p, second)
		m := mustFit(t, X, n, d, y, p)
		if second {
			b = m
		} else {
			a = m
		}
	}
	return X, a, b
}

func mustFit(t *testing.T, X []float64, n, d int, y []int, p Params) *Model {
	t.Helper()
	m, err := Fit(X, n, d, y, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
