package nets

import (
	"fmt"
	"hash"
	"hash/fnv"
	"slices"
	"strings"
	"unsafe"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// This file is the one adapter between this package's own ops (Conv2D,
// AddChannelBias, MaxPool2D, Upsample and their gradients) and Gorgonia's Op
// interface. An own op is an opSpec: a name, the parameters that tell two
// ops of that name apart, its arity, a plan (the shape check, which returns
// the output shape and the host kernel for those input shapes, which the
// tape runs), its lowering onto engine.Backend kernels (which the plan
// executor runs) and, when it is differentiable, a function that builds its gradient nodes from other own
// ops. Everything Gorgonia asks of an op besides that (its type, hashing,
// the checks that values are contiguous float32 tensors, allocating or
// reusing the output, describing it to the plan executor) is written here
// once.

// opDims is the rank of every operand and result of an own op: they all map
// NCHW tensors to NCHW tensors.
const opDims = 4

// kernel computes an own op over flat row-major float32 arrays: in holds the
// operands' data in order, out the result's. It must write every element of
// out, whose previous contents are arbitrary (a reused buffer); kernels that
// accumulate clear it first. A kernel is returned by a plan for one set of
// input shapes, which it may rely on.
type kernel func(in [][]float32, out []float32)

// opParam is one named integer parameter of an own op, such as a stride.
type opParam struct {
	name  string
	value int
}

// opSpec describes an own op; newOp turns it into a Gorgonia op.
type opSpec struct {
	name   string    // as printed in graphs, e.g. "Conv2D"
	params []opParam // hashed and printed: ops with other parameters are other nodes
	arity  int

	// dims are the ranks of the operands, in order, and of the result;
	// nil means opDims for each.
	dims []int

	// side, when set, makes the op a side result (engine.SideResult):
	// its value is the side result *side of its first operand's
	// lowering, which the plan reads instead of running the op; the
	// tape runs the op's kernel, which computes the same value from the
	// other operands.
	side *int

	// noDiff lists the operands that are not differentiated (Gorgonia's
	// DiffWRT false): statistics whose contribution the gradient op of
	// the input already holds.
	noDiff []int

	// plan checks the operand shapes against each other and the
	// parameters, and returns the result's shape and the kernel that
	// computes it. Its errors name the shapes and say what is wrong.
	plan func(in []tensor.Shape) (tensor.Shape, kernel, error)

	// grad builds the gradient nodes of the inputs (one per input, in
	// order) from the inputs, the op's output node and the output's
	// gradient dy. Nil for an op that is not differentiated (a gradient
	// op): it then does not implement Gorgonia's SDOp, so differentiating
	// through it fails when the gradient is asked for.
	grad func(in G.Nodes, out, dy *G.Node) (G.Nodes, error)

	// lower describes the op, for operand shapes plan accepted, as calls
	// of engine.Backend kernels, which the plan executor runs on any
	// backend (see engine.Lowering).
	lower func(in []tensor.Shape) lowering
}

// lowering is an own op's engine.Lowering without the output shape (the
// plan gives it): the scratch lengths and the kernel calls.
type lowering struct {
	side       []int
	scratch    []int
	scratchFor func(be engine.Backend) []int // engine.Lowering.ScratchFor
	run        func(be engine.Backend, in []engine.Buffer, out engine.Buffer, scratch []engine.Buffer)
	flops      float64 // engine.Lowering.FLOPs
}

// ownOp is a Gorgonia op built from an opSpec. Do allocates a new result
// on every call (Gorgonia's TapeMachine binds the value it returns to the
// node and may keep it); UsePreallocDo writes into a buffer the VM hands in.
type ownOp struct{ spec opSpec }

// ownDiffOp is an ownOp with a gradient (Gorgonia's SDOp).
type ownDiffOp struct{ *ownOp }

// ownSideOp is an ownOp that is a side result (engine.SideResult).
type ownSideOp struct{ *ownOp }

var (
	_ G.Op              = (*ownOp)(nil)
	_ G.UsePreallocDoer = (*ownOp)(nil)
	_ G.SDOp            = ownDiffOp{}
	_ engine.Lowerable  = (*ownOp)(nil)
	_ engine.SideResult = ownSideOp{}
)

// newOp returns the Gorgonia op that spec describes: differentiable when
// spec.grad is set, a side result when spec.side is.
func newOp(spec opSpec) G.Op {
	op := &ownOp{spec}
	switch {
	case spec.grad != nil:
		return ownDiffOp{op}
	case spec.side != nil:
		return ownSideOp{op}
	}
	return op
}

// SideResult is the index of the side result the op stands for.
func (op ownSideOp) SideResult() int { return *op.spec.side }

// rank is the rank of operand i, or of the result for i == arity.
func (op *ownOp) rank(i int) int {
	if op.spec.dims == nil {
		return opDims
	}
	return op.spec.dims[i]
}

// applyOp adds the op spec describes, applied to in, to their graph.
func applyOp(spec opSpec, in ...*G.Node) (*G.Node, error) {
	return G.ApplyOp(newOp(spec), in...)
}

// Arity is the number of operands.
func (op *ownOp) Arity() int { return op.spec.arity }

// Type maps arity tensors of one element type (4-D unless the spec's dims
// say otherwise) to a tensor of it.
func (op *ownOp) Type() hm.Type {
	ts := make([]hm.Type, op.spec.arity+1)
	for i := range ts {
		ts[i] = G.TensorType{Dims: op.rank(i), Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}

// InferShape checks the operand shapes with the op's plan.
func (op *ownOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != op.spec.arity {
		return nil, fmt.Errorf("%v: expected %d operand shapes, got %d", op, op.spec.arity, len(in))
	}
	shapes := make([]tensor.Shape, len(in))
	for i, d := range in {
		s, ok := d.(tensor.Shape)
		if !ok {
			return nil, fmt.Errorf("%v: operand %d has no shape (a %T)", op, i, d)
		}
		shapes[i] = s
	}
	out, _, err := op.spec.plan(shapes)
	return out, err
}

// Lower is the op as backend kernel calls for the operand shapes in
// (engine.Lowerable): plan checks the shapes and gives the result's,
// the spec's lower the kernels.
func (op *ownOp) Lower(in [][]int) (engine.Lowering, error) {
	if len(in) != op.spec.arity {
		return engine.Lowering{}, fmt.Errorf("%v: expected %d operand shapes, got %d", op, op.spec.arity, len(in))
	}
	shapes := make([]tensor.Shape, len(in))
	for i, s := range in {
		shapes[i] = tensor.Shape(s)
	}
	if op.spec.lower == nil {
		return engine.Lowering{}, engine.ErrNoLowering
	}
	out, _, err := op.spec.plan(shapes)
	if err != nil {
		return engine.Lowering{}, err
	}
	lw := op.spec.lower(shapes)
	return engine.Lowering{Out: []int(out), Side: lw.side, Scratch: lw.scratch, ScratchFor: lw.scratchFor, Run: lw.run, FLOPs: lw.flops}, nil
}

// Do computes the op into a new tensor.
func (op *ownOp) Do(vals ...G.Value) (G.Value, error) { return op.run(nil, vals) }

// UsePreallocDo computes the op into prealloc when it is a contiguous
// float32 tensor of the result's shape that shares no memory with an
// operand, and into a new tensor otherwise. It returns the tensor written.
func (op *ownOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	return op.run(prealloc, vals)
}

// run checks the operands, plans the op for their shapes and runs its
// kernel into prealloc, when it fits, or into a new tensor.
func (op *ownOp) run(prealloc G.Value, vals []G.Value) (G.Value, error) {
	if len(vals) != op.spec.arity {
		return nil, fmt.Errorf("%v: expected %d operands, got %d", op, op.spec.arity, len(vals))
	}
	in := make([][]float32, len(vals))
	shapes := make([]tensor.Shape, len(vals))
	for i, v := range vals {
		t, err := float32Tensor(v)
		if err != nil {
			return nil, fmt.Errorf("%v: operand %d %w", op, i, err)
		}
		in[i], shapes[i] = t.Data().([]float32), t.Shape()
	}
	shape, k, err := op.spec.plan(shapes)
	if err != nil {
		return nil, err
	}
	out := reusable(prealloc, shape, in)
	if out == nil {
		out = tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(make([]float32, shape.TotalSize())))
	}
	k(in, out.Data().([]float32))
	return out, nil
}

// reusable returns v as the output buffer of an op with the given result
// shape and operands, or nil when it cannot serve: not a contiguous float32
// tensor of that shape, or sharing memory with an operand (the kernel would
// overwrite what it reads).
func reusable(v G.Value, shape tensor.Shape, in [][]float32) tensor.Tensor {
	if v == nil {
		return nil
	}
	t, err := float32Tensor(v)
	if err != nil || !t.Shape().Eq(shape) {
		return nil
	}
	data := t.Data().([]float32)
	if len(data) != shape.TotalSize() {
		return nil
	}
	for _, x := range in {
		if overlaps(data, x) {
			return nil
		}
	}
	return t
}

// overlaps reports whether two slices share memory.
func overlaps(a, b []float32) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	const size = unsafe.Sizeof(float32(0))
	return a0 < b0+uintptr(len(b))*size && b0 < a0+uintptr(len(a))*size
}

// float32Tensor returns v as a tensor whose Data is a []float32 laid out
// contiguously in row-major order, or an error completing "operand N …".
func float32Tensor(v G.Value) (tensor.Tensor, error) {
	t, ok := v.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("is a %T, not a tensor", v)
	}
	if _, ok := t.Data().([]float32); !ok {
		return nil, fmt.Errorf("holds %T; only float32 is supported", t.Data())
	}
	if !t.IsNativelyAccessible() || t.RequiresIterator() {
		return nil, fmt.Errorf("of shape %v is not contiguous: copy it (G.Copy) before the op", t.Shape())
	}
	return t, nil
}

// ReturnsPtr is false: the result is a new value (or the preallocated one).
func (op *ownOp) ReturnsPtr() bool { return false }

// CallsExtern is false: the BLAS an op may call runs synchronously.
func (op *ownOp) CallsExtern() bool { return false }

// OverwritesInput is -1: no operand is written.
func (op *ownOp) OverwritesInput() int { return -1 }

// WriteHash writes the op's name and parameters.
func (op *ownOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "genxai.%v", op) }

// Hashcode is the FNV-1a hash of WriteHash.
func (op *ownOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// String is the name followed by the parameters, e.g.
// "Conv2D(stride=2,pad=1)".
func (op *ownOp) String() string {
	if len(op.spec.params) == 0 {
		return op.spec.name
	}
	var b strings.Builder
	b.WriteString(op.spec.name)
	for i, p := range op.spec.params {
		sep := ","
		if i == 0 {
			sep = "("
		}
		fmt.Fprintf(&b, "%s%s=%d", sep, p.name, p.value)
	}
	b.WriteByte(')')
	return b.String()
}

// DiffWRT says every operand is differentiable but those the spec's noDiff
// lists.
func (op ownDiffOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = !slices.Contains(op.spec.noDiff, i)
	}
	return d
}

// SymDiff builds the gradient nodes with the spec's grad.
func (op ownDiffOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != op.spec.arity {
		return nil, fmt.Errorf("%v gradient: expected %d inputs, got %d", op, op.spec.arity, len(inputs))
	}
	return op.spec.grad(inputs, output, grad)
}
