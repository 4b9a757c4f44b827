package saliency

import (
	"fmt"
	"math"
	"math/rand"
	"sort"

	"genxai/xai/explain"
)

// Faithfulness measures: how well an attribution map describes what the
// model does, measured by changing the input and watching the output
// (deletion and insertion curves, infidelity) or the map (max-sensitivity).

// Curve is a deletion or insertion curve of one image: Value[k] is the
// model's output after the first Frac[k] of the pixels, in the order of the
// attribution, were replaced; Frac runs from 0 to 1.
type Curve struct {
	Frac, Value []float64
}

// AUC is the area under the curve by the trapezoidal rule over Frac ∈ [0, 1]
// (Petsiuk et al. report it normalized the same way).
func (c Curve) AUC() float64 {
	var a float64
	for k := 1; k < len(c.Frac); k++ {
		a += (c.Frac[k] - c.Frac[k-1]) * (c.Value[k] + c.Value[k-1]) / 2
	}
	return a
}

// CurveSpec says how the curves walk an image: its C×H×W shape, the number
// of Steps (Steps+1 points; step k has replaced round(k·H·W/Steps) pixels)
// and what is read: with Probability the softmax probability of the query's
// output (a classifier's class probability, as Petsiuk et al. plot),
// otherwise the query's score (a logit, a latent mean).
type CurveSpec struct {
	C, H, W     int
	Steps       int
	Probability bool
}

// PixelOrder ranks the H·W pixel positions of a C×H×W attribution by its sum
// over the channels, largest first; ties keep the pixel order.
func PixelOrder(attr []float32, c, h, w int) []int {
	sum := explain.ChannelSum(attr, c, h, w)
	order := make([]int, len(sum))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return sum[order[a]] > sum[order[b]] })
	return order
}

// DeletionCurves are the deletion curves of Petsiuk, Das and Saenko ("RISE:
// Randomized Input Sampling for Explanation of Black-box Models", 2018):
// starting from each image, its pixels (all channels at once) are replaced
// by the baseline's, most attributed first (PixelOrder), in spec.Steps
// steps. A faithful map makes the output fall fast: a low AUC.
func DeletionCurves(s *explain.Scorer, qs []explain.Query, attr, baselines [][]float32, spec CurveSpec) ([]Curve, error) {
	from := make([][]float32, len(qs))
	for i, q := range qs {
		from[i] = q.X
	}
	return pixelCurves(s, qs, attr, from, baselines, spec, "deletion")
}

// InsertionCurves are the insertion curves of Petsiuk et al.: starting from
// starts (a blurred copy of each image in the paper), the image's own
// pixels are put back, most attributed first, in spec.Steps steps. A
// faithful map makes the output rise fast: a high AUC.
func InsertionCurves(s *explain.Scorer, qs []explain.Query, attr, starts [][]float32, spec CurveSpec) ([]Curve, error) {
	to := make([][]float32, len(qs))
	for i, q := range qs {
		to[i] = q.X
	}
	return pixelCurves(s, qs, attr, starts, to, spec, "insertion")
}

// pixelCurves evaluates, for each query i, the images that start as from[i]
// and have the first n_k pixels of PixelOrder(attr[i]) taken from to[i], a
// chunk of s.Batch rows at a time.
func pixelCurves(s *explain.Scorer, qs []explain.Query, attr, from, to [][]float32, spec CurveSpec, what string) ([]Curve, error) {
	c, h, w := spec.C, spec.H, spec.W
	p := h * w
	if spec.Steps < 1 || spec.Steps > p {
		return nil, fmt.Errorf("%s curves: --curve-steps must be in 1..%d (the pixels of a %d×%d image), got %d", what, p, h, w, spec.Steps)
	}
	if len(attr) != len(qs) || len(from) != len(qs) || len(to) != len(qs) {
		return nil, fmt.Errorf("%s curves: %d attributions, %d start and %d end images for %d inputs", what, len(attr), len(from), len(to), len(qs))
	}
	for i, q := range qs {
		if len(q.X) != c*p || len(attr[i]) != c*p || len(from[i]) != c*p || len(to[i]) != c*p {
			return nil, fmt.Errorf("%s curves: input %d: the image, its attribution and its start and end images must all have %d values", what, i, c*p)
		}
	}
	orders := make([][]int, len(qs))
	for i := range qs {
		orders[i] = PixelOrder(attr[i], c, h, w)
	}
	counts := make([]int, spec.Steps+1)
	curves := make([]Curve, len(qs))
	for k := range counts {
		counts[k] = int(math.Round(float64(k) * float64(p) / float64(spec.Steps)))
	}
	for i := range curves {
		curves[i] = Curve{Frac: make([]float64, spec.Steps+1), Value: make([]float64, spec.Steps+1)}
		for k, n := range counts {
			curves[i].Frac[k] = float64(n) / float64(p)
		}
	}
	err := streamResults(s, qs, spec.Steps+1, func(i, k, _ int, x []float32) {
		copy(x, from[i])
		for _, px := range orders[i][:counts[k]] {
			for ch := 0; ch < c; ch++ {
				x[ch*p+px] = to[i][ch*p+px]
			}
		}
	}, func(i, k, _ int, r *explain.Result, row int) {
		v := r.Score[row]
		if spec.Probability {
			v = softmaxAt(r.Outputs[row], qs[i].Output)
		}
		curves[i].Value[k] = v
	})
	if err != nil {
		return nil, err
	}
	return curves, nil
}

// softmaxAt is the softmax probability of entry k of logits.
func softmaxAt(logits []float32, k int) float64 {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, float64(v))
	}
	var z float64
	for _, v := range logits {
		z += math.Exp(float64(v) - m)
	}
	return math.Exp(float64(logits[k])-m) / z
}

// Infidelity is the infidelity of Yeh, Hsieh, Suggala, Inouye and Ravikumar
// ("On the (In)fidelity and Sensitivity of Explanations", NeurIPS 2019) under
// Gaussian perturbations, per query: the mean over samples draws of
// (Iᵀφ − (f(x) − f(x − I)))², f the query's score and φ its attribution.
// With baselines nil the attribution is local (a gradient) and I = ε, ε ~
// N(0, sigma²) per value; with baselines b it is global (multiplied by
// x − b, as gradient × input, Integrated Gradients, DeepLIFT) and, as
// Captum's infidelity with multiply_by_inputs, the input moves by
// I = (x − b) ⊙ ε while φ is dotted with ε. An attribution that is exact
// for a linear f (its gradient, or gradient × input from b = 0) has
// infidelity 0. Scaled is the same with φ first multiplied by the β that
// minimizes it, β = Σ(εᵀφ)Δf / Σ(εᵀφ)² (Captum's normalize), so maps in
// other units (Grad-CAM's) are compared on their shape. The draws come from
// rng; the perturbed inputs run a chunk of s.Batch rows at a time.
func Infidelity(s *explain.Scorer, qs []explain.Query, attr, baselines [][]float32, samples int, sigma float64, rng *rand.Rand) (infidelity, scaled []float64, err error) {
	if samples < 1 || !(sigma > 0) {
		return nil, nil, fmt.Errorf("infidelity: needs at least one sample (got %d) and a noise standard deviation > 0 (got %v)", samples, sigma)
	}
	if len(attr) != len(qs) || (baselines != nil && len(baselines) != len(qs)) {
		return nil, nil, fmt.Errorf("infidelity: %d attributions and %d baselines for %d inputs", len(attr), len(baselines), len(qs))
	}
	// Variant 0 of each query is x itself (f(x)); variant k ≥ 1 is x − I_k.
	dot := make([][]float64, len(qs))
	f := make([][]float64, len(qs))
	for i := range qs {
		dot[i], f[i] = make([]float64, samples+1), make([]float64, samples+1)
	}
	err = stream(s, qs, samples+1, func(i, k, _ int, x []float32) {
		if k == 0 {
			return
		}
		var d float64
		for j := range x {
			e := rng.NormFloat64() * sigma
			d += e * float64(attr[i][j])
			step := e
			if baselines != nil {
				step *= float64(x[j] - baselines[i][j])
			}
			x[j] -= float32(step)
		}
		dot[i][k] = d
	}, func(i, k, _ int, score float64, _ []float32) { f[i][k] = score })
	if err != nil {
		return nil, nil, err
	}
	infidelity, scaled = make([]float64, len(qs)), make([]float64, len(qs))
	for i := range qs {
		var sdd, sdf float64
		for k := 1; k <= samples; k++ {
			df := f[i][0] - f[i][k]
			infidelity[i] += sq(dot[i][k] - df)
			sdd += dot[i][k] * dot[i][k]
			sdf += dot[i][k] * df
		}
		beta := 0.0
		if sdd > 0 {
			beta = sdf / sdd
		}
		for k := 1; k <= samples; k++ {
			scaled[i] += sq(beta*dot[i][k] - (f[i][0] - f[i][k]))
		}
		infidelity[i] /= float64(samples)
		scaled[i] /= float64(samples)
	}
	return infidelity, scaled, nil
}

func sq(v float64) float64 { return v * v }

// MaxSensitivity is the max-sensitivity of Yeh et al. (2019), per query: the
// largest change ‖φ(y) − φ(x)‖₂ of the explanation over samples inputs y
// drawn uniformly from the L∞ ball of the given radius around x (Captum's
// default perturbation), divided by ‖φ(x)‖₂ when that is not 0 (as Quantus
// normalizes, so methods in different units compare). attribute explains
// the perturbed queries (same outputs as qs); attr holds φ(x). A constant
// explanation has max-sensitivity 0. The draws come from rng.
func MaxSensitivity(attribute func([]explain.Query) ([][]float32, error), qs []explain.Query, attr [][]float32,
	samples int, radius float64, rng *rand.Rand) ([]float64, error) {
	if samples < 1 || !(radius > 0) {
		return nil, fmt.Errorf("max-sensitivity: needs at least one sample (got %d) and a radius > 0 (got %v)", samples, radius)
	}
	if len(attr) != len(qs) {
		return nil, fmt.Errorf("max-sensitivity: %d attributions for %d inputs", len(attr), len(qs))
	}
	out := make([]float64, len(qs))
	moved := make([]explain.Query, len(qs))
	for k := 0; k < samples; k++ {
		for i, q := range qs {
			y := make([]float32, len(q.X))
			for j, v := range q.X {
				y[j] = v + float32((2*rng.Float64()-1)*radius)
			}
			q.X = y
			moved[i] = q
		}
		got, err := attribute(moved)
		if err != nil {
			return nil, fmt.Errorf("max-sensitivity: explaining the perturbed inputs: %w", err)
		}
		for i := range qs {
			var diff, norm float64
			for j, v := range attr[i] {
				diff += sq(float64(got[i][j] - v))
				norm += sq(float64(v))
			}
			d := math.Sqrt(diff)
			if norm > 0 {
				d /= math.Sqrt(norm)
			}
			out[i] = math.Max(out[i], d)
		}
	}
	return out, nil
}
