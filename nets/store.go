package nets

import (
	"fmt"
	"math"
	"math/rand"
	"sort"

	"gorgonia.org/tensor"
)

// Store holds a model's named tensors: learnable parameters and buffers that
// are not learned (batch-norm running statistics). Graphs built for different
// batch sizes or modes (training, evaluation, decoding only) take their
// parameter nodes from one Store, so they share the same backing arrays and an
// optimizer update made through one graph is seen by all of them.
//
// Tensors are created on first request, in request order, from the Store's
// seeded random source, so building the same model with the same seed gives
// bitwise identical initial weights.
type Store struct {
	names   []string
	tensors map[string]*tensor.Dense
	roles   map[string]Role
	rng     *rand.Rand

	// Override, when set before a graph is built on the store, changes the
	// backward pass of its nonlinearities (override.go); nil in training.
	Override Override
}

// Role says how training treats a Store tensor. The model declares it when it
// creates the tensor, so the optimizer need not guess from the shape.
type Role int

const (
	// Buffer is a tensor that is not learned: batch-norm running statistics,
	// a vocabulary.
	Buffer Role = iota
	// Weight is a learned tensor that AdamW decays: weight matrices,
	// convolution filters, embedding tables (as nanoGPT's decay group).
	Weight
	// Bias is a learned tensor that AdamW does not decay: biases and the
	// scales and shifts of normalization layers (nanoGPT's no-decay group).
	Bias
)

// maxElements bounds one tensor (2²⁸ float32 values, 1 GiB), so a bad setting
// gives an error instead of an allocation that cannot succeed.
const maxElements = 1 << 28

// checkShape returns the number of elements of shape, or an error when a
// dimension is not positive or the tensor is too large.
func checkShape(shape []int) (int, error) {
	size := 1
	for _, d := range shape {
		if d < 1 {
			return 0, fmt.Errorf("shape %v has a dimension below 1: a size in the model's settings is zero or negative", shape)
		}
		if size > maxElements/d {
			return 0, fmt.Errorf("shape %v has more than %d elements: a size in the model's settings is too large", shape, maxElements)
		}
		size *= d
	}
	return size, nil
}

// NewStore returns an empty Store whose initializers draw from a source seeded
// with seed.
func NewStore(seed int64) *Store {
	return &Store{
		tensors: map[string]*tensor.Dense{},
		roles:   map[string]Role{},
		rng:     rand.New(rand.NewSource(seed)),
	}
}

// Init fills data, a tensor of the given fan-in and fan-out, with initial values.
type Init func(rng *rand.Rand, fanIn, fanOut int, data []float32)

// UniformFanIn is PyTorch's default for linear and convolution layers
// (Kaiming-uniform with a = √5): U(−1/√fanIn, 1/√fanIn). It is used for
// weights and biases alike.
func UniformFanIn(rng *rand.Rand, fanIn, _ int, data []float32) {
	bound := 1 / math.Sqrt(float64(fanIn))
	for i := range data {
		data[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// Normal returns an initializer drawing from N(0, std²), as GPT-2 and DCGAN use.
func Normal(std float64) Init {
	return func(rng *rand.Rand, _, _ int, data []float32) {
		for i := range data {
			data[i] = float32(rng.NormFloat64() * std)
		}
	}
}

// Constant returns an initializer that sets every element to v.
func Constant(v float32) Init {
	return func(_ *rand.Rand, _, _ int, data []float32) {
		for i := range data {
			data[i] = v
		}
	}
}

// Get returns the tensor called name, creating it with the given shape and
// initializer on first use, as a learned tensor that is not decayed
// (learnable) or a buffer. Model layers use Create, which takes the role.
func (s *Store) Get(name string, shape []int, fanIn, fanOut int, init Init, learnable bool) (*tensor.Dense, error) {
	role := Buffer
	if learnable {
		role = Bias
	}
	return s.Create(name, shape, fanIn, fanOut, init, role)
}

// Create returns the tensor called name, creating it with the given shape,
// initializer and role on first use. Asking again with another shape or role
// is an error: it means two layers were given one name.
func (s *Store) Create(name string, shape []int, fanIn, fanOut int, init Init, role Role) (*tensor.Dense, error) {
	if t, ok := s.tensors[name]; ok {
		if !sameShape(t.Shape(), shape) {
			return nil, fmt.Errorf("tensor %q exists with shape %v, requested %v", name, t.Shape(), shape)
		}
		if s.roles[name] != role {
			return nil, fmt.Errorf("tensor %q exists with another role", name)
		}
		return t, nil
	}
	n, err := checkShape(shape)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", name, err)
	}
	data := make([]float32, n)
	init(s.rng, fanIn, fanOut, data)
	t := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	s.tensors[name] = t
	s.roles[name] = role
	s.names = append(s.names, name)
	return t, nil
}

// Names lists the tensors in creation order.
func (s *Store) Names() []string { return append([]string(nil), s.names...) }

// SortedNames lists the tensors in lexical order.
func (s *Store) SortedNames() []string {
	n := s.Names()
	sort.Strings(n)
	return n
}

// Tensor returns the tensor called name, or nil.
func (s *Store) Tensor(name string) *tensor.Dense { return s.tensors[name] }

// Data returns the float32 backing array of the tensor called name, or nil.
func (s *Store) Data(name string) []float32 {
	t := s.tensors[name]
	if t == nil {
		return nil
	}
	return t.Data().([]float32)
}

// Learnable reports whether the tensor called name is a trained parameter
// (as opposed to a buffer such as a running mean).
func (s *Store) Learnable(name string) bool {
	r, ok := s.roles[name]
	return ok && r != Buffer
}

// Decay reports whether AdamW's decoupled weight decay applies to the tensor
// called name (role Weight).
func (s *Store) Decay(name string) bool { return s.roles[name] == Weight }

// Len is the number of tensors in the store.
func (s *Store) Len() int { return len(s.names) }

// NumParams counts the learnable scalars.
func (s *Store) NumParams() int {
	total := 0
	for _, n := range s.names {
		if s.Learnable(n) {
			total += s.tensors[n].Shape().TotalSize()
		}
	}
	return total
}

// Set replaces the contents of the tensor called name, which must exist with
// the same number of elements (used when loading a checkpoint).
func (s *Store) Set(name string, shape []int, data []float32) error {
	t, ok := s.tensors[name]
	if !ok {
		return fmt.Errorf("the model has no tensor %q", name)
	}
	if !sameShape(t.Shape(), shape) {
		return fmt.Errorf("tensor %q has shape %v in the model but %v in the checkpoint", name, t.Shape(), shape)
	}
	copy(t.Data().([]float32), data)
	return nil
}

func sameShape(a tensor.Shape, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
