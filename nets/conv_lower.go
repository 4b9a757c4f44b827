package nets

import "genxai/engine"

// The convolution on an engine.Backend: Conv2D and its two gradients, the
// backend's kernels, with the patches (and the weight gradient's per-image
// products) in scratch the plan allocates from its pool.

// patchScratch is the scratch a convolution's lowering asks for: the
// patches, unless the convolution is direct, then extra.
func patchScratch(s engine.ConvShape, extra ...int) []int {
	if s.Direct() {
		return extra
	}
	return append([]int{s.PatchLen()}, extra...)
}

// splitPatches returns the patches among Run's scratch (nil for a direct
// convolution) and the buffers after them.
func splitPatches(s engine.ConvShape, sc []engine.Buffer) (engine.Buffer, []engine.Buffer) {
	if s.Direct() {
		return nil, sc
	}
	return sc[0], sc[1:]
}

// lowerForward is (x, w) → y.
func (g convGeom) lowerForward() lowering {
	s := g.shape()
	return lowering{scratch: patchScratch(s), run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, sc []engine.Buffer) {
		patches, _ := splitPatches(s, sc)
		be.Conv2D(s, in[0], in[1], y, patches)
	}}
}

// lowerInputGrad is (w, dy) → dx.
func (g convGeom) lowerInputGrad() lowering {
	s := g.shape()
	return lowering{scratch: patchScratch(s), run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, sc []engine.Buffer) {
		patches, _ := splitPatches(s, sc)
		be.Conv2DInputGrad(s, in[0], in[1], dx, patches)
	}}
}

// lowerWeightGrad is (x, dy) → dw.
func (g convGeom) lowerWeightGrad() lowering {
	s := g.shape()
	return lowering{scratch: patchScratch(s, s.ProductsLen()), run: func(be engine.Backend, in []engine.Buffer, dw engine.Buffer, sc []engine.Buffer) {
		patches, rest := splitPatches(s, sc)
		be.Conv2DWeightGrad(s, in[0], in[1], dw, patches, rest[0])
	}}
}
