package nets

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Net is one computation graph under construction. Layer methods add nodes to
// it and take their parameters from a shared Store. The first error sticks:
// later calls return nil and do nothing, and Err reports it, so a model reads
// top to bottom without an error check after every line.
type Net struct {
	G        *G.ExprGraph
	Store    *Store
	Training bool // batch statistics and dropout masks when true; running statistics and no dropout when false
	BLAS     BLAS // the matrix products of Conv2D; NewNet sets engine/blas's current choice

	params   G.Nodes
	names    []string
	byName   map[string]*G.Node
	inputs   map[string]*G.Node
	bnStats  []BNStat
	dropouts []Dropout
	kept     G.Nodes
	layer    string
	err      error
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
	return &Net{G: G.NewGraph(), Store: store, Training: training, BLAS: currentBLAS(), byName: map[string]*G.Node{}, inputs: map[string]*G.Node{}}
}

// Err returns the first error met while building, or nil.
func (n *Net) Err() error { return n.err }

// Fail records err (with the layer's name) unless an earlier error is recorded.
func (n *Net) Fail(layer string, err error) {
	if n.err == nil && err != nil {
		n.err = fmt.Errorf("building %s: %w", layer, err)
	}
}

// Keep marks nodes whose values are read after a run (losses, logits, codes).
// Executors reuse the memory of intermediate nodes, so only kept nodes can be
// read reliably; see engine.Keep.
func (n *Net) Keep(nodes ...*G.Node) {
	for _, node := range nodes {
		if node != nil && !n.kept.Contains(node) {
			n.kept = append(n.kept, node)
		}
	}
}

// Kept lists the nodes marked by Keep.
func (n *Net) Kept() G.Nodes { return n.kept }

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
	size := 1
	for _, d := range shape {
		size *= d
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
// Learnable tensors are listed by Params; buffers are not.
func (n *Net) Param(name string, shape []int, fanIn, fanOut int, init Init, learnable bool) *G.Node {
	if n.err != nil {
		return nil
	}
	if node, ok := n.byName[name]; ok {
		return node
	}
	t, err := n.Store.Get(name, shape, fanIn, fanOut, init, learnable)
	if err != nil {
		n.Fail(name, err)
		return nil
	}
	node := G.NewTensor(n.G, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
	n.byName[name] = node
	if learnable {
		n.params = append(n.params, node)
		n.names = append(n.names, name)
	}
	return node
}

// Op records the error of a Gorgonia operation, attributed to the layer being
// built, and returns its node.
func (n *Net) Op(node *G.Node, err error) *G.Node {
	if n.err != nil {
		return nil
	}
	if err != nil {
		n.Fail(n.layer, err)
		return nil
	}
	return node
}

// Layer names the layer that following Op calls belong to, for error messages.
func (n *Net) Layer(name string) { n.layer = name }

// Dense is a fully connected layer y = x·W + b for x of shape (batch, in).
// W is (in, out), b is (out); both start from UniformFanIn.
func (n *Net) Dense(name string, x *G.Node, out int) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	in := x.Shape()[1]
	w := n.Param(name+".weight", []int{in, out}, in, out, UniformFanIn, true)
	b := n.Param(name+".bias", []int{out}, in, out, UniformFanIn, true)
	xw := n.Op(G.Mul(x, w))
	if n.err != nil {
		return nil
	}
	return n.Op(G.BroadcastAdd(xw, b, nil, []byte{0}))
}

// Conv2D is a 2-D convolution over NCHW input with a square kernel k, the
// given stride and zero padding, followed by a per-channel bias. The
// convolution is this package's Conv2D (im2col and one GEMM per image).
func (n *Net) Conv2D(name string, x *G.Node, out, k, stride, pad int) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	in := x.Shape()[1]
	fanIn := in * k * k
	w := n.Param(name+".weight", []int{out, in, k, k}, fanIn, out*k*k, UniformFanIn, true)
	b := n.Param(name+".bias", []int{1, out, 1, 1}, fanIn, out*k*k, UniformFanIn, true)
	y := n.Op(Conv2D(n.BLAS, x, w, stride, pad))
	if n.err != nil {
		return nil
	}
	return n.Op(AddChannelBias(y, b))
}

// UpConv doubles the spatial size by nearest-neighbour upsampling and then
// applies a 3×3 convolution with padding 1. Gorgonia has no transposed
// convolution; upsample+conv also avoids its checkerboard artefacts (Odena,
// Dumoulin and Olah, "Deconvolution and Checkerboard Artifacts", 2016).
func (n *Net) UpConv(name string, x *G.Node, out int) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	up := n.Op(Upsample(x, 2))
	return n.Conv2D(name, up, out, 3, 1, 1)
}

// MaxPool2D is k×k max pooling with stride k.
func (n *Net) MaxPool2D(name string, x *G.Node, k int) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	return n.Op(MaxPool2D(x, k))
}

// Reshape reshapes x.
func (n *Net) Reshape(name string, x *G.Node, shape ...int) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	return n.Op(G.Reshape(x, shape))
}

// BatchNorm normalizes x per feature (2-D input, axis 0) or per channel (4-D
// NCHW input, axes 0, 2 and 3) and applies a learned scale and shift (Ioffe and
// Szegedy, 2015). A training graph uses the batch statistics and exposes them
// through BNStats so the trainer can update the running averages; an
// evaluation graph uses the running averages from the Store.
func (n *Net) BatchNorm(name string, x *G.Node) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	const eps = 1e-5
	shape := x.Shape()
	var axes []int
	var pattern []byte
	var pshape []int
	var ch int
	switch len(shape) {
	case 2:
		ch, axes, pattern, pshape = shape[1], []int{0}, []byte{0}, []int{shape[1]}
	case 4:
		ch, axes, pattern, pshape = shape[1], []int{0, 2, 3}, []byte{0, 2, 3}, []int{1, shape[1], 1, 1}
	default:
		n.Fail(name, fmt.Errorf("batch norm needs 2-D or 4-D input, got shape %v", shape))
		return nil
	}
	gamma := n.Param(name+".weight", pshape, ch, ch, Constant(1), true)
	beta := n.Param(name+".bias", pshape, ch, ch, Constant(0), true)
	runMean, runVar := name+".running_mean", name+".running_var"
	rm := n.Param(runMean, pshape, ch, ch, Constant(0), false)
	rv := n.Param(runVar, pshape, ch, ch, Constant(1), false)
	var mean, variance *G.Node
	if n.Training {
		mean = n.Op(G.Mean(x, axes...))
		if n.err != nil {
			return nil
		}
		mean = n.Reshape(name, mean, pshape...)
		xc := n.Op(G.BroadcastSub(x, mean, nil, pattern))
		if n.err != nil {
			return nil
		}
		sq := n.Op(G.Square(xc))
		if n.err != nil {
			return nil
		}
		variance = n.Reshape(name, n.Op(G.Mean(sq, axes...)), pshape...)
		count := shape.TotalSize() / ch
		n.Keep(mean, variance)
		n.bnStats = append(n.bnStats, BNStat{Name: name, Mean: mean, Var: variance, RunMean: runMean, RunVar: runVar, Count: count})
		inv := n.Op(G.Inverse(n.Op(G.Sqrt(n.Op(G.Add(variance, G.NewConstant(float32(eps))))))))
		if n.err != nil {
			return nil
		}
		xhat := n.Op(G.BroadcastHadamardProd(xc, inv, nil, pattern))
		if n.err != nil {
			return nil
		}
		y := n.Op(G.BroadcastHadamardProd(xhat, gamma, nil, pattern))
		if n.err != nil {
			return nil
		}
		return n.Op(G.BroadcastAdd(y, beta, nil, pattern))
	}
	// Evaluation: y = x·s + t with s = γ/√(running var + ε) and t = β − running mean·s.
	inv := n.Op(G.Inverse(n.Op(G.Sqrt(n.Op(G.Add(rv, G.NewConstant(float32(eps))))))))
	if n.err != nil {
		return nil
	}
	s := n.Op(G.HadamardProd(gamma, inv))
	if n.err != nil {
		return nil
	}
	t := n.Op(G.Sub(beta, n.Op(G.HadamardProd(rm, s))))
	if n.err != nil {
		return nil
	}
	y := n.Op(G.BroadcastHadamardProd(x, s, nil, pattern))
	if n.err != nil {
		return nil
	}
	return n.Op(G.BroadcastAdd(y, t, nil, pattern))
}

// Dropout zeroes each element of x with probability p in a training graph and
// is the identity in an evaluation graph or when p is 0.
func (n *Net) Dropout(name string, x *G.Node, p float64) *G.Node {
	if n.err != nil || !n.Training || p == 0 {
		return x
	}
	mask := n.Input(name+".mask", x.Shape()...)
	n.dropouts = append(n.dropouts, Dropout{Mask: mask, P: p})
	return n.Op(G.HadamardProd(x, mask))
}

// Activations lists the names Activate accepts.
var Activations = []string{"relu", "leaky_relu", "elu", "tanh", "sigmoid", "gelu"}

// Activate applies the activation called kind: relu, leaky_relu (slope 0.2, as
// in DCGAN), elu, tanh, sigmoid or gelu (the tanh approximation of Hendrycks
// and Gimpel, 2016, as GPT-2 uses).
func (n *Net) Activate(kind string, x *G.Node) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = kind
	switch kind {
	case "relu":
		return n.Op(G.Rectify(x))
	case "leaky_relu":
		return n.Op(G.LeakyRelu(x, 0.2))
	case "elu":
		// elu(x) = max(x, 0) + exp(min(x, 0)) − 1, with min(x, 0) = −relu(−x)
		pos := n.Op(G.Rectify(x))
		minNeg := n.Op(G.Neg(n.Op(G.Rectify(n.Op(G.Neg(x))))))
		if n.err != nil {
			return nil
		}
		return n.Op(G.Add(pos, n.Op(G.Expm1(minNeg))))
	case "tanh":
		return n.Op(G.Tanh(x))
	case "sigmoid":
		return n.Op(G.Sigmoid(x))
	case "gelu":
		c := float32(math.Sqrt(2 / math.Pi))
		x3 := n.Op(G.Cube(x))
		if n.err != nil {
			return nil
		}
		inner := n.Op(G.Add(x, n.Op(G.Mul(x3, G.NewConstant(float32(0.044715))))))
		if n.err != nil {
			return nil
		}
		th := n.Op(G.Tanh(n.Op(G.Mul(inner, G.NewConstant(c)))))
		if n.err != nil {
			return nil
		}
		onePlus := n.Op(G.Add(th, G.NewConstant(float32(1))))
		if n.err != nil {
			return nil
		}
		return n.Op(G.HadamardProd(n.Op(G.Mul(x, G.NewConstant(float32(0.5)))), onePlus))
	}
	n.Fail("activation", fmt.Errorf("unknown activation %q (allowed: %v)", kind, Activations))
	return nil
}

// Scale multiplies x by the constant c.
func (n *Net) Scale(x *G.Node, c float64) *G.Node {
	if n.err != nil {
		return nil
	}
	return n.Op(G.Mul(x, G.NewConstant(float32(c))))
}
