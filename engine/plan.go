package engine

import (
	"fmt"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Plan is a built Gorgonia graph (forward and gradient nodes, as G.Grad
// leaves them) lowered once onto a Backend: a flat program of kernel calls
// over backend buffers. Shapes are resolved when the plan is built; buffers
// are reused once their last reader has run (reshapes alias their input);
// matrix products are GEMMs with transpose flags; runs of elementwise nodes
// whose intermediate values nothing else reads are fused into one Chain;
// sums along axes are Reduce calls. A node the planner has no kernel for
// runs through its op's own Do on the host (see Fallbacks).
//
// Leaves (inputs and parameters) are uploaded from their Gorgonia values at
// the start of every Run; the values of the nodes Lower is asked to publish
// are written back into Gorgonia values after it, so engine.Float32s and
// engine.Grad read them as they read the tape's.
type Plan struct {
	be        Backend
	prog      []instr
	store     []storage
	of        map[*G.Node]int // node → storage
	inputs    []leaf          // uploaded every Run
	publish   []published     // downloaded after every Run
	fallbacks []string
	host      []float32 // scratch for scalar downloads

	ws        *Workspace
	residents []*resident  // leaves read from the workspace, uploaded when the host is newer
	written   []*resident  // workspace tensors the training step updates
	randoms   []randomLeaf // filled by the backend before every run
	key       RandomKey    // of the random inputs
	args      StepArgs     // of the training step
	clip      int          // storage of the step's ClipScale result; -1 without a step
	runs      int          // Runs so far (a StepReader numbers the plan's steps so)

	times []time.Duration // per program step while profiling (see Profile)
	calls []int
}

// randomLeaf is a random input of the plan.
type randomLeaf struct {
	id, index int
	kind      RandomInput
}

// storage is one virtual buffer of the program: a node's value, or a
// temporary of a multi-kernel lowering. Several storages share one backend
// buffer when their lifetimes do not overlap.
type storage struct {
	n         int
	pinned    bool      // lives for the whole run (leaves, published values, constants)
	constant  []float32 // uploaded once, when set
	buf       Buffer
	external  bool // a workspace's buffer, freed by the workspace
	freed     bool // its buffer went back to the pool
	def, last int  // program index of the first write and of the last read
}

// instr is one step of the program.
type instr struct {
	name          string
	reads, writes []int
	run           func(p *Plan) error
	flops         float64 // of its products (see Plan.Cost)
	stateBytes    int     // of the state it touches outside the storages (an optimizer's moments)
}

type leaf struct {
	node *G.Node
	id   int
}

type published struct {
	node *G.Node
	id   int
	dst  []float32 // the backing of the Gorgonia value bound to node; nil for a scalar
	f32  *G.F32    // the bound value of a scalar node
}

// buf returns the backend buffer of storage id.
func (p *Plan) buf(id int) Buffer { return p.store[id].buf }

// Fallbacks lists, once each, the names of the ops this plan runs on the host
// through their own Do because it has no kernel for them.
func (p *Plan) Fallbacks() []string { return p.fallbacks }

// Steps is the number of kernel calls (and host fallbacks) of one Run.
func (p *Plan) Steps() int { return len(p.prog) }

// Buffers is the number of backend buffers the plan allocated.
func (p *Plan) Buffers() int {
	seen := map[Buffer]bool{}
	for _, s := range p.store {
		if s.buf != nil && !s.external {
			seen[s.buf] = true
		}
	}
	return len(seen)
}

// Run uploads the leaves, runs the program and publishes the values of the
// published nodes. On a backend that captures steps (StepCapturer) the
// uploads of the inputs, the random fills and the program are one step.
func (p *Plan) Run() error { return p.run(nil, true) }

// run is Run; with reads (storages; the backend must be a StepReader) the
// step reads them back itself, and without publish nothing is published
// after it, so the host need not wait for the step (planTrainer.Launch).
func (p *Plan) run(reads []int, publish bool) error {
	p.runs++
	for _, r := range p.residents {
		p.ws.upload(r)
	}
	if sc, ok := p.be.(StepCapturer); ok {
		sc.BeginStep(p, len(p.fallbacks) == 0)
		err := p.step(reads)
		again, err2 := sc.EndStep(p)
		if err == nil {
			err = err2
		}
		if err == nil && again {
			err = p.step(reads)
		}
		if err != nil {
			return err
		}
	} else if err := p.step(reads); err != nil {
		return err
	}
	for _, r := range p.written {
		r.devNewer = true
	}
	if !publish {
		return nil
	}
	for _, w := range p.publish {
		dst := w.dst
		if w.f32 != nil {
			dst = p.host[:1]
		}
		if err := p.be.Download(dst, p.buf(w.id)); err != nil {
			return fmt.Errorf("reading %s back from the %s backend: %w", w.node.Name(), p.be.Name(), err)
		}
		if w.f32 != nil {
			*w.f32 = G.F32(dst[0])
		}
	}
	return nil
}

// step uploads the inputs, fills the random inputs, runs the program and
// queues the read backs of reads.
func (p *Plan) step(reads []int) error {
	for _, l := range p.inputs {
		if err := p.upload(l); err != nil {
			return err
		}
	}
	for _, r := range p.randoms {
		p.be.Random(r.kind.Kind, p.key.Nth(r.index), r.kind.A, r.kind.B, p.buf(r.id))
	}
	for i := range p.prog {
		if err := p.runTimed(i); err != nil {
			return fmt.Errorf("plan step %d (%s): %w", i, p.prog[i].name, err)
		}
	}
	for _, id := range reads {
		p.be.(StepReader).ReadBack(p.buf(id))
	}
	return nil
}

// upload copies a leaf's current Gorgonia value into its buffer.
func (p *Plan) upload(l leaf) error {
	switch v := l.node.Value().(type) {
	case *G.F32:
		p.host[0] = float32(*v)
		p.be.Upload(p.buf(l.id), p.host[:1])
	case tensor.Tensor:
		d, ok := float32s(v)
		if !ok || len(d) != p.store[l.id].n {
			return fmt.Errorf("input %s holds %v values of shape %v, the plan needs %d float32 values", l.node.Name(), v.Dtype(), v.Shape(), p.store[l.id].n)
		}
		p.be.Upload(p.buf(l.id), d)
	default:
		return fmt.Errorf("input %s holds a %T; the plan reads float32 tensors and scalars (set its value before Run)", l.node.Name(), v)
	}
	return nil
}

// float32s returns a float32 tensor's backing slice without Data's
// allocation (Data builds its slice through reflect): a dense tensor's
// storage header gives it directly.
func float32s(v tensor.Tensor) ([]float32, bool) {
	if v.Dtype() != tensor.Float32 {
		return nil, false
	}
	if h, ok := v.(interface{ Float32s() []float32 }); ok {
		return h.Float32s(), true
	}
	d, ok := v.Data().([]float32)
	return d, ok
}

// Close frees the plan's buffers (and a captured step's graph first).
func (p *Plan) Close() error {
	var err error
	if sc, ok := p.be.(StepCapturer); ok {
		err = sc.ReleaseStep(p)
	}
	seen := map[Buffer]bool{}
	for i := range p.store {
		if b := p.store[i].buf; b != nil && !seen[b] && !p.store[i].external {
			seen[b] = true
			p.be.Free(b)
		}
		p.store[i].buf = nil
	}
	return err
}

// size is the number of values a node of shape s holds (1 for a scalar).
func size(s tensor.Shape) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// children returns n's inputs in order (Gorgonia's ExprGraph.From keeps it).
func children(n *G.Node) G.Nodes {
	it := n.Graph().From(n.ID())
	out := make(G.Nodes, 0, it.Len())
	for it.Next() {
		out = append(out, it.Node().(*G.Node))
	}
	return out
}
