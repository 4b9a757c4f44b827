package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// HostKernel is an op that can compute itself over flat row-major float32
// slices: the project's own ops of nets/op.go (convolution, channel bias,
// pooling, upsampling and their gradients) implement it, so the planner
// runs them without importing nets. PlanHost checks the operand shapes
// (one []int per operand, in order) and returns the result's shape and the
// kernel for exactly those shapes. The kernel reads in (the operands' data)
// and writes every element of out, whose previous contents are arbitrary;
// out never shares memory with an operand. It must not keep the slices.
type HostKernel interface {
	PlanHost(in [][]int) (out []int, kernel func(in [][]float32, out []float32), err error)
}

// HostMemory is a Backend whose buffers are host memory (the CPU backend):
// Host returns the slice behind a buffer, on which the plan runs a
// HostKernel in place, without copies. A device backend does not implement
// it and brings its own kernels for those ops instead; until it does, they
// run through the host fallback.
type HostMemory interface {
	Host(b Buffer) []float32
}

// hostKernel lowers a node whose op is a HostKernel to one call of its
// kernel on the backend's own buffers. It returns false when the backend's
// memory is not host memory.
func (l *lowerer) hostKernel(n *G.Node, hk HostKernel) (bool, error) {
	hm, ok := l.p.be.(HostMemory)
	if !ok {
		return false, nil
	}
	kids := l.kids[n]
	shapes := make([][]int, len(kids))
	for i, k := range kids {
		shapes[i] = []int(k.Shape().Clone())
	}
	outShape, k, err := hk.PlanHost(shapes)
	if err != nil {
		return false, err
	}
	if got, want := size(outShape), size(n.Shape()); got != want {
		return false, fmt.Errorf("the op's kernel makes %v (%d values) where the graph has %v", outShape, got, n.Shape())
	}
	in := l.in(n)
	out := l.value(n)
	ins := make([][]float32, len(in))
	l.emit("host kernel "+fmt.Sprint(n.Op()), in, []int{out}, func(p *Plan) error {
		for i, id := range in {
			ins[i] = hm.Host(p.buf(id))
		}
		k(ins, hm.Host(p.buf(out)))
		return nil
	})
	return true, nil
}
