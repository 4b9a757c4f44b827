package cpu

// normKind says which norm kernel a normJob runs.
type normKind uint8

const (
	normLayer          normKind = iota // LayerNorm, items are rows
	normLayerGrad                      // LayerNormGrad's dx, items are rows
	normLayerParamGrad                 // LayerNormGrad's dγ and dβ, items are columns
	normBatchStats                     // BatchNormStats, items are channels
	normBatch                          // BatchNorm, items are planes (image, channel)
	normBatchGrad                      // BatchNormGrad, items are channels
)

// normJob is one call of a layer or batch norm kernel (norm.go). The
// Backend keeps it, so a call allocates nothing.
type normJob struct {
	kind                       normKind
	x, y, dy, dx               []float32
	gamma, beta, dgamma, dbeta []float32
	mean, variance, rstd       []float32
	rows, cols                 int         // layer norm: x is [rows, cols]
	n, c, s                    int         // batch norm: x is [n, c, s]
	eps                        float32     // layer norm
	scratch                    [][]float32 // per worker: the backend's (LayerNormGrad's dγ and dβ)
}

func (j *normJob) do(w, lo, hi int) {
	switch j.kind {
	case normLayer:
		j.layerRows(lo, hi)
	case normLayerGrad:
		j.layerGradRows(lo, hi)
	case normLayerParamGrad:
		j.layerParamCols(j.scratch[w], lo, hi)
	case normBatchStats:
		j.batchStats(lo, hi)
	case normBatch:
		j.batchPlanes(lo, hi)
	case normBatchGrad:
		j.batchGrad(lo, hi)
	}
}
