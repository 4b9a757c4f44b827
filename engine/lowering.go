package engine

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Lowerable is an op that describes itself as calls of Backend kernels, so
// the plan runs it on any backend without importing the op's package: the
// project's own ops of nets/op.go (convolution and its gradients, channel
// bias, max pooling, upsampling) implement it. The planner prefers it to
// the op's Do.
type Lowerable interface {
	// Lower checks the operand shapes (one per operand, in order) and
	// returns the op's lowering for exactly those shapes.
	Lower(in [][]int) (Lowering, error)
}

// ErrNoLowering is what Lowerable.Lower returns for an op that has no
// backend kernels after all (an op type some of whose instances do, such as
// nets' adapter for explanation-only ops): the plan runs it through its Do
// on the host (see Plan.Fallbacks).
var ErrNoLowering = errors.New("the op has no backend kernels")

// Lowering is an op lowered for one set of operand shapes.
type Lowering struct {
	// Out is the result's shape.
	Out []int
	// Side lists the lengths of the op's side results: values its kernels
	// compute along with out (a layer norm's row statistics, a gradient's
	// parameter sums) that other nodes of the graph stand for (see
	// SideResult). Run finds them first in scratch, before the Scratch
	// buffers; Run must write every element of each.
	Side []int
	// Scratch lists the lengths of the temporary buffers Run needs; the
	// plan allocates them from its pool, live during Run only.
	Scratch []int
	// ScratchFor, when set, gives Scratch for the backend the plan runs
	// on, for kernels whose temporaries differ by backend (the CPU's
	// convolution keeps a few images' patches in cache-sized buffers of
	// its own, CUDA's takes the whole batch's; see Backend.ConvScratch).
	ScratchFor func(be Backend) []int
	// Run queues the kernels that write every element of out and of the
	// side results from in (whose contents it must not change) using
	// scratch (arbitrary contents on entry). out shares memory with no
	// operand. It runs on every Run of the plan and must not allocate.
	Run func(be Backend, in []Buffer, out Buffer, scratch []Buffer)
	// FLOPs is the floating-point operations of the op's products (a
	// convolution's, 2·m·n·k per product), for Plan.Cost; 0 for an op
	// whose work is elementwise.
	FLOPs float64
}

// lowered emits the lowering of a node whose op is Lowerable: one program
// step whose temporaries are written (and so allocated) at that step only.
func (l *lowerer) lowered(n *G.Node, op Lowerable) error {
	kids := l.kids[n]
	shapes := make([][]int, len(kids))
	for i, k := range kids {
		shapes[i] = []int(k.Shape().Clone())
	}
	lw, err := op.Lower(shapes)
	if err != nil {
		return err
	}
	if got, want := size(lw.Out), size(n.Shape()); got != want {
		return fmt.Errorf("the op's lowering makes %v (%d values) where the graph has %v", lw.Out, got, n.Shape())
	}
	in := l.in(n)
	out := l.value(n)
	writes := []int{out}
	for _, s := range lw.Side {
		writes = append(writes, l.newStorage(s))
	}
	l.sides[n] = writes[1:]
	if lw.ScratchFor != nil {
		lw.Scratch = lw.ScratchFor(l.p.be)
	}
	for _, s := range lw.Scratch {
		writes = append(writes, l.newStorage(s))
	}
	ins, scratch := make([]Buffer, len(in)), make([]Buffer, len(writes)-1)
	l.emit(fmt.Sprintf("%v → %v", n.Op(), n.Shape()), in, writes, func(p *Plan) error {
		for i, id := range in {
			ins[i] = p.buf(id)
		}
		for i, id := range writes[1:] {
			scratch[i] = p.buf(id)
		}
		lw.Run(p.be, ins, p.buf(out), scratch)
		return nil
	})
	l.costs(lw.FLOPs)
	return nil
}
