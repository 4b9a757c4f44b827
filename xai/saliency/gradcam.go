package saliency

import (
	"math"

	"genxai/xai/explain"
)

// GradCAM computes Grad-CAM maps (Selvaraju et al., "Grad-CAM: Visual
// Explanations from Deep Networks via Gradient-based Localization", 2017)
// at the activation of the convolutional layer called layer ("" for the
// last): the channel weights α_k are the spatial means of ∂f/∂A_k, the map
// is ReLU(Σ_k α_k A_k), upsampled bilinearly to h×w. Each map has h·w
// values, all ≥ 0. rs must be the model rebuilt with rules.
func GradCAM(rs *ruledScorer, qs []explain.Query, layer string, h, w int) ([][]float64, error) {
	r, s := rs.rules, rs.scorer
	st, err := r.convStage(layer)
	if err != nil {
		return nil, err
	}
	r.mode, r.capture = modePlain, st
	defer func() { r.capture = nil }()
	ch, gh, gw := st.y[1], st.y[2], st.y[3]
	per := ch * gh * gw
	maps := make([][]float64, len(qs))
	err = chunked(len(qs), s.Batch, func(lo, hi int) error {
		if _, err := s.Eval(qs[lo:hi]); err != nil {
			return err
		}
		for i := lo; i < hi; i++ {
			a, g := st.act[(i-lo)*per:(i-lo+1)*per], st.grad[(i-lo)*per:(i-lo+1)*per]
			cam := make([]float64, gh*gw)
			for k := 0; k < ch; k++ {
				var alpha float64
				for _, v := range g[k*gh*gw : (k+1)*gh*gw] {
					alpha += float64(v)
				}
				alpha /= float64(gh * gw)
				for p, v := range a[k*gh*gw : (k+1)*gh*gw] {
					cam[p] += alpha * float64(v)
				}
			}
			for p, v := range cam {
				cam[p] = math.Max(v, 0)
			}
			maps[i] = Bilinear(cam, gh, gw, h, w)
		}
		return nil
	})
	return maps, err
}

// GuidedBackprop is the gradient of each query's output with guided
// backpropagation (Springenberg et al., "Striving for Simplicity", 2015):
// every ReLU passes back only positive gradients where its input is
// positive (other activations: their derivative times the positive part of
// the gradient). rs must be the model rebuilt with rules.
func GuidedBackprop(rs *ruledScorer, qs []explain.Query) ([][]float32, error) {
	rs.rules.mode = modeGuided
	defer func() { rs.rules.mode = modePlain }()
	r, err := rs.scorer.Eval(qs)
	if err != nil {
		return nil, err
	}
	return r.Grad, nil
}

// GuidedGradCAM is guided backpropagation times the Grad-CAM map of layer,
// upsampled to the image, in each of the c channels (Selvaraju et al.).
func GuidedGradCAM(rs *ruledScorer, qs []explain.Query, layer string, c, h, w int) ([][]float32, error) {
	maps, err := GradCAM(rs, qs, layer, h, w)
	if err != nil {
		return nil, err
	}
	g, err := GuidedBackprop(rs, qs)
	if err != nil {
		return nil, err
	}
	for i := range g {
		for ch := 0; ch < c; ch++ {
			for p, m := range maps[i] {
				g[i][ch*h*w+p] *= float32(m)
			}
		}
	}
	return g, nil
}

// Bilinear resizes an h×w map to oh×ow by bilinear interpolation with
// pixel centres aligned (PyTorch's align_corners=False), edges clamped.
func Bilinear(v []float64, h, w, oh, ow int) []float64 {
	out := make([]float64, oh*ow)
	src := func(o, n, on int) (int, int, float64) {
		f := (float64(o)+0.5)*float64(n)/float64(on) - 0.5
		f = math.Max(0, math.Min(float64(n-1), f))
		i := int(f)
		j := min(i+1, n-1)
		return i, j, f - float64(i)
	}
	for y := 0; y < oh; y++ {
		y0, y1, fy := src(y, h, oh)
		for x := 0; x < ow; x++ {
			x0, x1, fx := src(x, w, ow)
			top := v[y0*w+x0]*(1-fx) + v[y0*w+x1]*fx
			bot := v[y1*w+x0]*(1-fx) + v[y1*w+x1]*fx
			out[y*ow+x] = top*(1-fy) + bot*fy
		}
	}
	return out
}
