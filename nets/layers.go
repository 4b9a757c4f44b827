package nets

import (
	"fmt"
	"math"
	"slices"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Net is one computation graph under construction. Layer methods add nodes to
// it and take their parameters from a shared Store. The first error sticks:
// later calls return nil and do nothing, and Err reports it, so a model reads
// top to bottom without an error check after every line. Every graph
// operation of a model goes through a Net method (ops.go, gorgonia.go), none
// through Gorgonia directly, so a nil node left by a failed layer is never
// dereferenced.
type Net struct {
	G        *G.ExprGraph
	Store    *Store
	Training bool // batch statistics and dropout masks when true; running statistics and no dropout when false
	BLAS     BLAS // the matrix products of Conv2D; NewNet sets engine/blas's current choice

	params       G.Nodes
	names        []string
	byName       map[string]*G.Node
	inputs       map[string]*G.Node
	bnStats      []BNStat
	dropouts     []Dropout
	kept         G.Nodes
	softmaxes    map[softmaxKey]bool
	logSoftmaxes map[softmaxKey]bool
	layer        string
	err          error
}

// BNStat links the batch statistics computed by a training graph to the
// running statistics kept in the Store, which the trainer updates after each
// step (see UpdateRunningStats).
type BNStat struct {
	Name            string
	Mean, Var       *G.Node // batch mean and (biased) variance, one per channel
	RunMean, RunVar string  // Store names
	Count           int     // elements per channel in a batch, for the unbiased correction
}

// Dropout is a mask input of a training graph. The trainer fills it before each
// step from its seeded source: each element is 0 with probability P and
// 1/(1−P) otherwise (inverted dropout, Srivastava et al., 2014).
type Dropout struct {
	Mask *G.Node
	P    float64
}

// NewNet starts an empty graph drawing parameters from store.
func NewNet(store *Store, training bool) *Net {
	return &Net{G: G.NewGraph(), Store: store, Training: training, BLAS: currentBLAS(), byName: map[string]*G.Node{}, inputs: map[string]*G.Node{},
		softmaxes: map[softmaxKey]bool{}, logSoftmaxes: map[softmaxKey]bool{}}
}

// Err returns the first error met while building, or nil.
func (n *Net) Err() error { return n.err }

// Fail records err (with the layer's name) unless an earlier error is recorded.
func (n *Net) Fail(layer string, err error) {
	if n.err == nil && err != nil {
		n.err = fmt.Errorf("building %s: %w", layer, err)
	}
}

// Params returns the graph's learnable nodes in creation order.
func (n *Net) Params() G.Nodes { return n.params }

// ParamNames returns the Store names of Params, index for index.
func (n *Net) ParamNames() []string { return n.names }

// BNStats lists the batch-norm layers of a training graph.
func (n *Net) BNStats() []BNStat { return n.bnStats }

// Dropouts lists the dropout masks of a training graph.
func (n *Net) Dropouts() []Dropout { return n.dropouts }

// Input adds a float32 input node of the given shape, backed by a zeroed tensor
// that the trainer overwrites in place before each run.
func (n *Net) Input(name string, shape ...int) *G.Node {
	if n.err != nil {
		return nil
	}
	size, err := checkShape(shape)
	if err != nil {
		n.Fail("input "+name, err)
		return nil
	}
	v := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, size)))
	node := G.NewTensor(n.G, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(v))
	n.inputs[name] = node
	return node
}

// InputData returns the backing array of the input called name.
func (n *Net) InputData(name string) []float32 {
	node := n.inputs[name]
	if node == nil {
		return nil
	}
	return node.Value().Data().([]float32)
}

// Param adds (or reuses) the Store tensor called name as a node of this graph.
// Learnable tensors (role Weight or Bias) are listed by Params; buffers are not.
func (n *Net) Param(name string, shape []int, fanIn, fanOut int, init Init, role Role) *G.Node {
	if n.err != nil {
		return nil
	}
	if node, ok := n.byName[name]; ok {
		return node
	}
	t, err := n.Store.Create(name, shape, fanIn, fanOut, init, role)
	if err != nil {
		n.Fail(name, err)
		return nil
	}
	node := G.NewTensor(n.G, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
	n.byName[name] = node
	if role != Buffer {
		n.params = append(n.params, node)
		n.names = append(n.names, name)
	}
	return node
}

// Op records the error of a Gorgonia operation, attributed to the layer being
// built, and returns its node. It is for code outside this package that needs
// an operation Net does not wrap; the operation's inputs must not be nil.
func (n *Net) Op(node *G.Node, err error) *G.Node {
	return n.apply("op", func() (*G.Node, error) { return node, err })
}

// Layer names the layer that following operations belong to, for error messages.
func (n *Net) Layer(name string) { n.layer = name }

// Dense is a fully connected layer y = x·W + b for x of shape (batch, in).
// W is (in, out), b is (out); both start from UniformFanIn.
func (n *Net) Dense(name string, x *G.Node, out int) *G.Node {
	return n.affine(name, x, out, UniformFanIn, UniformFanIn)
}

// DenseNoBias is Dense without its bias, for a layer whose output goes into
// a batch norm: the norm subtracts the batch mean, which cancels any bias
// (Ioffe and Szegedy, 2015, §3.2), so a bias there would only learn from
// rounding noise.
func (n *Net) DenseNoBias(name string, x *G.Node, out int) *G.Node {
	return n.affine(name, x, out, UniformFanIn, nil)
}

// Hidden is the builders of a model's hidden layers: Dense, Conv2D and
// UpConv, or, when a batch norm follows each of them, their NoBias forms.
type Hidden struct {
	Dense  func(name string, x *G.Node, out int) *G.Node
	Conv2D func(name string, x *G.Node, out, k, stride, pad int) *G.Node
	UpConv func(name string, x *G.Node, out int) *G.Node
}

// HiddenLayers returns the builders of hidden layers followed by a batch
// norm (batchNorm true: no biases) or not.
func (n *Net) HiddenLayers(batchNorm bool) Hidden {
	if batchNorm {
		return Hidden{n.DenseNoBias, n.Conv2DNoBias, n.UpConvNoBias}
	}
	return Hidden{n.Dense, n.Conv2D, n.UpConv}
}

// affine is x·W + b for x (rows, in), W (in, out) and b (out) started from
// the given initializers (no b when initB is nil); Dense and Linear differ
// only in those.
func (n *Net) affine(name string, x *G.Node, out int, initW, initB Init) *G.Node {
	n.Layer(name)
	if !n.dims(x, 2, "a dense layer") {
		return nil
	}
	in := x.Shape()[1]
	w := n.Param(name+".weight", []int{in, out}, in, out, initW, Weight)
	if initB == nil {
		return n.MatMul(x, w)
	}
	b := n.Param(name+".bias", []int{out}, in, out, initB, Bias)
	return n.BroadcastAdd(n.MatMul(x, w), b, nil, []byte{0})
}

// Conv2D is a 2-D convolution over NCHW input with a square kernel k, the
// given stride and zero padding, followed by a per-channel bias. The
// convolution is this package's Conv2D (im2col and one GEMM per image).
func (n *Net) Conv2D(name string, x *G.Node, out, k, stride, pad int) *G.Node {
	return n.conv(name, x, out, k, stride, pad, true)
}

// Conv2DNoBias is Conv2D without its per-channel bias, for a convolution
// whose output goes into a batch norm (see DenseNoBias).
func (n *Net) Conv2DNoBias(name string, x *G.Node, out, k, stride, pad int) *G.Node {
	return n.conv(name, x, out, k, stride, pad, false)
}

// conv is Conv2D with or without the bias.
func (n *Net) conv(name string, x *G.Node, out, k, stride, pad int, bias bool) *G.Node {
	n.Layer(name)
	if !n.dims(x, 4, "a convolution") {
		return nil
	}
	if k < 1 || stride < 1 || pad < 0 {
		n.Fail(name, fmt.Errorf("kernel %d, stride %d and padding %d: the kernel and stride must be at least 1 and the padding at least 0", k, stride, pad))
		return nil
	}
	s := x.Shape()
	if s[2]+2*pad < k || s[3]+2*pad < k {
		n.Fail(name, fmt.Errorf("a %d×%d kernel with padding %d does not fit the %d×%d input", k, k, pad, s[2], s[3]))
		return nil
	}
	in := s[1]
	fanIn := in * k * k
	w := n.Param(name+".weight", []int{out, in, k, k}, fanIn, out*k*k, UniformFanIn, Weight)
	y := n.apply("conv2d", func() (*G.Node, error) { return Conv2D(n.BLAS, x, w, stride, pad) }, x, w)
	if !bias {
		return y
	}
	b := n.Param(name+".bias", []int{1, out, 1, 1}, fanIn, out*k*k, UniformFanIn, Bias)
	return n.apply("channel bias", func() (*G.Node, error) { return AddChannelBias(y, b) }, y, b)
}

// UpConv doubles the spatial size by nearest-neighbour upsampling and then
// applies a 3×3 convolution with padding 1. Gorgonia has no transposed
// convolution; upsample+conv also avoids its checkerboard artefacts (Odena,
// Dumoulin and Olah, "Deconvolution and Checkerboard Artifacts", 2016).
func (n *Net) UpConv(name string, x *G.Node, out int) *G.Node {
	return n.upConv(name, x, out, true)
}

// UpConvNoBias is UpConv without the convolution's bias, before a batch norm
// (see DenseNoBias).
func (n *Net) UpConvNoBias(name string, x *G.Node, out int) *G.Node {
	return n.upConv(name, x, out, false)
}

// upConv is UpConv with or without the bias.
func (n *Net) upConv(name string, x *G.Node, out int, bias bool) *G.Node {
	n.Layer(name)
	if !n.dims(x, 4, "an upsampling convolution") {
		return nil
	}
	up := n.apply("upsample", func() (*G.Node, error) { return Upsample(x, 2) }, x)
	return n.conv(name, up, out, 3, 1, 1, bias)
}

// MaxPool2D is k×k max pooling with stride k.
func (n *Net) MaxPool2D(name string, x *G.Node, k int) *G.Node {
	n.Layer(name)
	if !n.dims(x, 4, "max pooling") {
		return nil
	}
	if s := x.Shape(); k < 1 || s[2] < k || s[3] < k {
		n.Fail(name, fmt.Errorf("a %d×%d pooling window does not fit the %d×%d input", k, k, s[2], s[3]))
		return nil
	}
	return n.override(name, fmt.Sprintf("maxpool%d", k), x, n.apply("max pool", func() (*G.Node, error) { return MaxPool2D(x, k) }, x))
}

// BatchNorm normalizes x per feature (2-D input, axis 0) or per channel (4-D
// NCHW input, axes 0, 2 and 3) and applies a learned scale and shift (Ioffe and
// Szegedy, 2015). A training graph uses the batch statistics and exposes them
// through BNStats so the trainer can update the running averages; an
// evaluation graph uses the running averages from the Store. In a training
// graph the statistics and the normalization are single nodes (nets/norm_batch.go),
// which the plan runs as the backend's BatchNormStats and BatchNorm kernels
// and their gradient as BatchNormGrad; ε is 1e-5.
func (n *Net) BatchNorm(name string, x *G.Node) *G.Node {
	n.Layer(name)
	if !n.present(x, "batch norm") {
		return nil
	}
	shape := x.Shape()
	var pattern []byte
	var pshape []int
	var ch int
	switch len(shape) {
	case 2:
		ch, pattern, pshape = shape[1], []byte{0}, []int{shape[1]}
	case 4:
		ch, pattern, pshape = shape[1], []byte{0, 2, 3}, []int{1, shape[1], 1, 1}
	default:
		n.Fail(name, fmt.Errorf("batch norm needs 2-D or 4-D input, got shape %v", shape))
		return nil
	}
	gamma := n.Param(name+".weight", pshape, ch, ch, Constant(1), Bias)
	beta := n.Param(name+".bias", pshape, ch, ch, Constant(0), Bias)
	runMean, runVar := name+".running_mean", name+".running_var"
	rm := n.Param(runMean, pshape, ch, ch, Constant(0), Buffer)
	rv := n.Param(runVar, pshape, ch, ch, Constant(1), Buffer)
	if n.Training {
		var mean, variance *G.Node
		n.apply("batch statistics", func() (*G.Node, error) {
			var err error
			mean, variance, err = batchStats(x)
			return mean, err
		}, x)
		if n.err != nil {
			return nil
		}
		n.Keep(mean, variance)
		n.bnStats = append(n.bnStats, BNStat{Name: name, Mean: mean, Var: variance, RunMean: runMean, RunVar: runVar, Count: shape.TotalSize() / ch})
		return n.apply("batch norm", func() (*G.Node, error) { return batchNorm(x, mean, variance, gamma, beta) }, x, mean, variance, gamma, beta)
	}
	// Evaluation: y = x·s + t with s = γ/√(running var + ε) and t = β − running mean·s.
	s := n.Mul(gamma, n.InvSqrt(n.AddConst(rv, normEps)))
	t := n.Sub(beta, n.Mul(rm, s))
	return n.BroadcastAdd(n.BroadcastMul(x, s, nil, pattern), t, nil, pattern)
}

// Dropout zeroes each element of x with probability p in a training graph and
// is the identity in an evaluation graph or when p is 0.
func (n *Net) Dropout(name string, x *G.Node, p float64) *G.Node {
	if n.err != nil || !n.Training || p == 0 {
		return x
	}
	n.Layer(name)
	if !n.present(x, "dropout") {
		return nil
	}
	if !(p > 0 && p < 1) {
		n.Fail(name, fmt.Errorf("dropout probability %v is not in [0, 1)", p))
		return nil
	}
	mask := n.Input(name+".mask", x.Shape()...)
	n.dropouts = append(n.dropouts, Dropout{Mask: mask, P: p})
	return n.Mul(x, mask)
}

// Activations lists the names Activate accepts.
var Activations = []string{"relu", "leaky_relu", "elu", "tanh", "sigmoid", "gelu"}

// CheckActivation returns an error naming setting when kind is not one of Activations.
func CheckActivation(setting, kind string) error {
	if !slices.Contains(Activations, kind) {
		return fmt.Errorf("%s %q is not known (allowed: %s)", setting, kind, strings.Join(Activations, ", "))
	}
	return nil
}

// Activate applies the activation called kind: relu, leaky_relu (slope 0.2, as
// in DCGAN), elu, tanh, sigmoid or gelu (the tanh approximation of Hendrycks
// and Gimpel, 2016, as GPT-2 uses). A Store's Override may replace its
// gradient (override.go).
func (n *Net) Activate(kind string, x *G.Node) *G.Node {
	layer := n.layer
	return n.override(layer, kind, x, n.activate(kind, x))
}

// activate is Activate without the override.
func (n *Net) activate(kind string, x *G.Node) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = kind
	switch kind {
	case "relu":
		return n.unary("relu", G.Rectify, x)
	case "leaky_relu":
		return n.apply("leaky relu", func() (*G.Node, error) { return G.LeakyRelu(x, 0.2) }, x)
	case "elu":
		// elu(x) = max(x, 0) + exp(min(x, 0)) − 1, with min(x, 0) = −relu(−x)
		pos := n.unary("relu", G.Rectify, x)
		minNeg := n.Neg(n.unary("relu", G.Rectify, n.Neg(x)))
		return n.Add(pos, n.unary("expm1", G.Expm1, minNeg))
	case "tanh":
		return n.unary("tanh", G.Tanh, x)
	case "sigmoid":
		return n.Sigmoid(x)
	case "gelu":
		c := math.Sqrt(2 / math.Pi)
		inner := n.Add(x, n.Scale(n.unary("cube", G.Cube, x), 0.044715))
		th := n.unary("tanh", G.Tanh, n.Scale(inner, c))
		onePlus := n.AddConst(th, 1)
		return n.Mul(n.Scale(x, 0.5), onePlus)
	}
	n.Fail("activation", CheckActivation("activation", kind))
	return nil
}
