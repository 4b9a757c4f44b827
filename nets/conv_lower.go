package nets

import "genxai/engine"

// The convolution on an engine.Backend: Conv2D and its two gradients, the
// backend's kernels, with the scratch the backend asks for
// (engine.Backend.ConvScratch) allocated by the plan from its pool.

// convScratch returns the scratch lengths of a convolution kernel on be:
// the patches and, with products, the weight gradient's products, those
// of length 0 left out (the kernel is then handed nil).
func convScratch(be engine.Backend, s engine.ConvShape, products bool) []int {
	p, q := be.ConvScratch(s)
	var out []int
	if p > 0 {
		out = append(out, p)
	}
	if q > 0 && products {
		out = append(out, q)
	}
	return out
}

// convBuffers returns the scratch buffers of a convolution kernel among
// Run's, nil where convScratch left the length out.
func convBuffers(be engine.Backend, s engine.ConvShape, sc []engine.Buffer) (patches, products engine.Buffer) {
	p, q := be.ConvScratch(s)
	if p > 0 {
		patches, sc = sc[0], sc[1:]
	}
	if q > 0 && len(sc) > 0 {
		products = sc[0]
	}
	return patches, products
}

// lowerForward is (x, w) → y.
func (g convGeom) lowerForward() lowering {
	s := g.shape()
	return lowering{
		flops:      s.FLOPs(),
		scratchFor: func(be engine.Backend) []int { return convScratch(be, s, false) },
		run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, sc []engine.Buffer) {
			patches, _ := convBuffers(be, s, sc)
			be.Conv2D(s, in[0], in[1], y, patches)
		}}
}

// lowerInputGrad is (w, dy) → dx.
func (g convGeom) lowerInputGrad() lowering {
	s := g.shape()
	return lowering{
		flops:      s.FLOPs(),
		scratchFor: func(be engine.Backend) []int { return convScratch(be, s, false) },
		run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, sc []engine.Buffer) {
			patches, _ := convBuffers(be, s, sc)
			be.Conv2DInputGrad(s, in[0], in[1], dx, patches)
		}}
}

// lowerWeightGrad is (x, dy) → dw.
func (g convGeom) lowerWeightGrad() lowering {
	s := g.shape()
	return lowering{
		flops:      s.FLOPs(),
		scratchFor: func(be engine.Backend) []int { return convScratch(be, s, true) },
		run: func(be engine.Backend, in []engine.Buffer, dw engine.Buffer, sc []engine.Buffer) {
			patches, products := convBuffers(be, s, sc)
			be.Conv2DWeightGrad(s, in[0], in[1], dw, patches, products)
		}}
}
