package engine

// Buffer is a backend's handle on n float32 values in its own memory (host
// slices for the CPU, device memory for CUDA). Only the backend that
// allocated a buffer may read it.
type Buffer interface {
	// Len is the number of float32 values the buffer holds.
	Len() int
}

// Backend executes the fixed kernel set that a plan lowers a training step
// onto. It is small enough to implement twice (CPU and CUDA) and every kernel
// has a plain Go reference in engine/enginetest, which both implementations
// must pass.
//
// Shapes are given as plain integers and tensors are dense and row-major.
// Kernels write their outputs in full unless the doc says they accumulate.
// Arguments are checked: a length that does not match the shape is a bug of
// the caller (the plan resolves shapes once), so kernels panic with a message
// that names the kernel and the mismatch. Kernels may run asynchronously;
// Download and Sync wait for them and report a device error.
type Backend interface {
	// Name says which backend this is ("cpu", "cuda"), for logs and summary.json.
	Name() string

	// Alloc returns a buffer of n zeros.
	Alloc(n int) Buffer
	// Free releases b; b must not be used afterwards.
	Free(b Buffer)
	// Upload copies src into dst (len(src) == dst.Len()).
	Upload(dst Buffer, src []float32)
	// Download copies src into dst (len(dst) == src.Len()) once every kernel
	// queued before it has finished.
	Download(dst []float32, src Buffer) error
	// Copy copies src into dst (same lengths).
	Copy(dst, src Buffer)
	// Sync waits for every queued kernel and returns the first error.
	Sync() error

	// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
	// op(A) being m×k and op(B) k×n (see GemmShape). With beta == 0, C's
	// previous content is ignored (NaNs included).
	Gemm(s GemmShape, a, b, c Buffer)
	// GemmBatched computes batch independent products: the i-th reads A at
	// offset i·strideA, B at i·strideB and writes C at i·strideC. A stride
	// of 0 reuses the same matrix for every product.
	GemmBatched(s GemmShape, batch int, a Buffer, strideA int, b Buffer, strideB int, c Buffer, strideC int)

	// Elementwise evaluates a fused chain over n = rows·cols elements (see Chain).
	Elementwise(c *Chain, rows, cols int, in []Buffer, out []Buffer)

	// Strided copies (or, with s.Add, adds) a strided view of src into a
	// strided view of dst (see Strided): transposes, concatenation along an
	// axis and slices are all one such copy.
	Strided(s Strided, src, dst Buffer)

	// Reduce reduces x, viewed as [outer, axis, inner], along its middle axis
	// into y of outer·inner values.
	Reduce(op ReduceOp, x Buffer, outer, axis, inner int, y Buffer)

	// Softmax writes y = softmax(x) along the last axis of a [rows, cols] tensor.
	Softmax(x Buffer, rows, cols int, y Buffer)
	// LogSoftmax writes y = log softmax(x) along the last axis.
	LogSoftmax(x Buffer, rows, cols int, y Buffer)
	// SoftmaxGrad writes dx = y ⊙ (dy − Σ_j dy_j·y_j) given y = softmax(x).
	SoftmaxGrad(y, dy Buffer, rows, cols int, dx Buffer)
	// LogSoftmaxGrad writes dx = dy − exp(y)·Σ_j dy_j given y = log softmax(x).
	LogSoftmaxGrad(y, dy Buffer, rows, cols int, dx Buffer)

	// LayerNorm normalizes each row of x [rows, cols] (Ba, Kiros and Hinton,
	// 2016): y = (x − μ)·r·γ + β with r = 1/√(σ² + eps), σ² the biased
	// variance. It saves μ and r per row for LayerNormGrad.
	LayerNorm(x, gamma, beta Buffer, rows, cols int, eps float32, y, mean, rstd Buffer)
	// LayerNormGrad writes dx and accumulates dγ and dβ (dgamma += Σ_rows
	// dy·x̂, dbeta += Σ_rows dy).
	LayerNormGrad(dy, x, gamma, mean, rstd Buffer, rows, cols int, dx, dgamma, dbeta Buffer)

	// BatchNormStats writes the per-channel mean and biased variance of x
	// viewed as [n, c, s] (s = 1 for 2-D input, h·w for NCHW).
	BatchNormStats(x Buffer, n, c, s int, mean, variance Buffer)
	// BatchNorm writes y = (x − μ)·r·γ + β per channel, r = 1/√(σ² + eps),
	// and saves r for BatchNormGrad.
	BatchNorm(x, mean, variance, gamma, beta Buffer, n, c, s int, eps float32, y, rstd Buffer)
	// BatchNormGrad writes dx and accumulates dγ and dβ per channel.
	BatchNormGrad(dy, x, mean, rstd, gamma Buffer, n, c, s int, dx, dgamma, dbeta Buffer)
	// RunningStats updates the running averages in place:
	// rm = (1−m)·rm + m·mean, rv = (1−m)·rv + m·var·count/(count−1).
	RunningStats(runMean, runVar, mean, variance Buffer, momentum float32, count int)

	// Random fills out from the Philox 4x32-10 stream keyed by k (see
	// RandomKey): uniform in [a, b), normal with mean a and deviation b, or
	// an inverted-dropout mask that is 0 with probability a, 1/(1−a) otherwise.
	Random(kind RandomKind, k RandomKey, a, b float64, out Buffer)

	// ClipScale computes the global L2 norm of grads and writes the three
	// values ClipResult decodes: the scale the update multiplies gradients
	// by (1, or maxNorm/(norm+1e-6) when maxNorm > 0 and norm > maxNorm),
	// and the norm itself.
	ClipScale(grads []Buffer, maxNorm float64, out Buffer)
	// Update applies one optimizer step to w with gradient g (multiplied by
	// scale's first value), moments m and v (v unused by SGD); see Update.
	Update(u Update, w, g, m, v, scale Buffer)

	// The layers of convolutional and sequence models, over NCHW tensors
	// (batch, channels, height, width; row-major, width fastest). A
	// channel bias and its gradient are Strided, Elementwise and Reduce
	// calls.

	// ConvScratch returns the lengths of the scratch buffers the
	// convolution kernels below take for s: patches (Conv2D,
	// Conv2DInputGrad, Conv2DWeightGrad) and products (Conv2DWeightGrad).
	// A length of 0 means the kernel takes nil there.
	ConvScratch(s ConvShape) (patches, products int)
	// Conv2D writes y [N, O, OH, OW], the cross-correlation of x
	// [N, C, H, W] with w [O, C, KH, KW] (see ConvShape): image n's output
	// is W (O × C·KH·KW) times its patch matrix, the im2col lowering of
	// Chellapilla, Puri and Simard (2006). patches is scratch of
	// ConvScratch's length, of any content on entry.
	Conv2D(s ConvShape, x, w, y, patches Buffer)
	// Conv2DInputGrad writes dx [N, C, H, W], the gradient of Conv2D with
	// respect to x given dy [N, O, OH, OW]: per image, the products
	// Wᵀ·dy[n] added back onto the pixels their patch entries read, in the
	// order of the patch rows (col2im).
	Conv2DInputGrad(s ConvShape, w, dy, dx, patches Buffer)
	// Conv2DWeightGrad writes dw [O, C, KH, KW] = Σ_n dy[n]·patches[n]ᵀ.
	// The order of the sum over the batch is the backend's, the same on
	// every run (the CPU's does not depend on its number of workers).
	Conv2DWeightGrad(s ConvShape, x, dy, dw, patches, products Buffer)

	// MaxPool2D writes the maxima of the k×k windows (stride k, no
	// padding) of x [planes, h, w] into y [planes, h/k, w/k] (rows and
	// columns past the last whole window are left out); planes = N·C.
	MaxPool2D(x Buffer, planes, h, w, k int, y Buffer)
	// MaxPool2DGrad writes dx [planes, h, w]: each window's dy at the
	// window's first element (row-major) equal to its maximum y, zero
	// elsewhere. It recomputes the position from x and y rather than
	// reading an index saved by MaxPool2D, so the forward pass keeps
	// nothing; a window whose maximum is NaN routes no gradient.
	MaxPool2DGrad(x, y, dy Buffer, planes, h, w, k int, dx Buffer)

	// Upsample repeats every pixel of x [planes, h, w] k×k times into
	// y [planes, k·h, k·w] (nearest neighbour).
	Upsample(x Buffer, planes, h, w, k int, y Buffer)
	// UpsampleGrad writes into each pixel of dx [planes, h, w] the sum of
	// its k×k block of dy [planes, k·h, k·w], added row by row.
	UpsampleGrad(dy Buffer, planes, h, w, k int, dx Buffer)

	// Gather copies rows of table [vocab, dim] into out [n, dim]: row i of
	// out is row ids[i] of the table. The n ids are integers stored as
	// float32 in a Buffer like every other value (exact below 2²⁴, far
	// above any vocabulary); an id that is not an integer in [0, vocab)
	// is a bug of the caller and panics on the CPU.
	Gather(table Buffer, vocab, dim int, ids Buffer, n int, out Buffer)
	// ScatterAdd is Gather's adjoint: it adds row i of dout [n, dim] onto
	// row ids[i] of table [vocab, dim], for i in order (a repeated id
	// accumulates its rows in that order).
	ScatterAdd(dout Buffer, ids Buffer, n int, table Buffer, vocab, dim int)
}

// GemmShape describes op(A) (m×k) times op(B) (k×n) with transpose flags.
// A is stored m×k, or k×m when TransA; B is k×n, or n×k when TransB; C is m×n.
type GemmShape struct {
	TransA, TransB bool
	M, N, K        int
	Alpha, Beta    float32
}

// Sizes returns the number of values A, B and C hold.
func (s GemmShape) Sizes() (a, b, c int) { return s.M * s.K, s.K * s.N, s.M * s.N }

// ReduceOp names a reduction.
type ReduceOp uint8

// The reductions.
const (
	ReduceSum  ReduceOp = iota // Σ
	ReduceMean                 // Σ / axis
	ReduceMax                  // max
)

// ReduceChunk is the summation block of every reduction: a reduced axis is
// summed sequentially in blocks of ReduceChunk values and the block sums are
// added in order, so the result has the same bits whatever the number of
// workers (and an axis of at most ReduceChunk values is summed plainly).
const ReduceChunk = 1024

// FLOPs is the floating-point operations of one product, 2·M·N·K.
func (s GemmShape) FLOPs() float64 { return 2 * float64(s.M) * float64(s.N) * float64(s.K) }
