package engine

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lowerer holds what Lower knows about the graph while it builds a Plan.
type lowerer struct {
	p        *Plan
	kids     map[*G.Node]G.Nodes
	uses     map[*G.Node]int     // how many inputs of other nodes read the node
	consumer map[*G.Node]*G.Node // the last node found reading it
	keep     map[*G.Node]bool    // published: never fused away
	inline   map[*G.Node]bool    // computed inside its consumer's chain
	bcast    map[*G.Node]Broadcast
	reported map[string]bool
	random   map[*G.Node]int   // random inputs by number
	sides    map[*G.Node][]int // side results of lowered nodes (Lowering.Side), by node
	randSpec []RandomInput
	ws       *Workspace // resident leaves; nil without one
}

// lowering is what a plan is built from besides its graph: the nodes whose
// values are published after every Run, those that must keep a storage of
// their own without being published (the step's gradients and batch
// statistics), the random inputs, the run's workspace and the training
// step's host work.
type lowering struct {
	publish, keep G.Nodes
	random        []RandomInput
	ws            *Workspace
	train         *TrainSpec
}

// Lower builds the plan of graph g on backend be. The values of publish are
// written back into Gorgonia values after every Run (see Plan); they are never
// fused away or reused.
func Lower(be Backend, g *G.ExprGraph, publish G.Nodes) (*Plan, error) {
	return lower(be, g, lowering{publish: publish})
}

// lower builds the plan of graph g on backend be (see Lower and lowering).
func lower(be Backend, g *G.ExprGraph, spec lowering) (*Plan, error) {
	publish := spec.publish
	sorted, err := G.Sort(g)
	if err != nil {
		return nil, fmt.Errorf("sorting the graph for the plan: %w", err)
	}
	slices.Reverse(sorted) // Sort puts the roots first
	sorted = needed(sorted, append(append(G.Nodes(nil), publish...), spec.keep...))
	l := &lowerer{
		p:    &Plan{be: be, of: map[*G.Node]int{}, host: make([]float32, 1)},
		kids: map[*G.Node]G.Nodes{}, uses: map[*G.Node]int{}, consumer: map[*G.Node]*G.Node{},
		keep: map[*G.Node]bool{}, inline: map[*G.Node]bool{}, bcast: map[*G.Node]Broadcast{},
		reported: map[string]bool{}, random: map[*G.Node]int{}, sides: map[*G.Node][]int{}, randSpec: spec.random, ws: spec.ws,
	}
	l.p.ws, l.p.clip = spec.ws, -1
	for _, n := range append(append(G.Nodes(nil), publish...), spec.keep...) {
		l.keep[n] = true
	}
	for i, r := range spec.random {
		l.random[r.Node] = i
	}
	for _, n := range sorted {
		if n.Dtype() != tensor.Float32 {
			return nil, fmt.Errorf("node %s is %v: the plan executor runs float32 graphs only (use train.executor: tape)", n.Name(), n.Dtype())
		}
		l.kids[n] = children(n)
		for _, k := range l.kids[n] {
			l.uses[k]++
			l.consumer[k] = n
		}
	}
	l.fuse(sorted)
	for _, n := range sorted {
		if err := l.node(n); err != nil {
			return nil, fmt.Errorf("planning node %s (%v): %w", n.Name(), n.Op(), err)
		}
	}
	for _, n := range publish {
		id, ok := l.p.of[n]
		if !ok {
			return nil, fmt.Errorf("node %s is not in the graph the plan runs", n.Name())
		}
		l.p.store[id].pinned = true
	}
	if spec.train != nil {
		if err := l.trainStep(*spec.train); err != nil {
			return nil, err
		}
	}
	l.p.allocate()
	for _, n := range publish {
		if err := l.bind(n); err != nil {
			return nil, err
		}
	}
	l.p.profileIfStarted()
	l.p.countIfStarted()
	return l.p, nil
}

// needed returns the nodes of sorted (inputs before the nodes that read
// them) whose values the plan computes: the leaves and every node that
// publish reads, itself included. The others (such as the gradients that
// Gorgonia's symbolic differentiation builds for constants and inputs, which
// nothing reads) would cost kernels and memory for values no one sees.
func needed(sorted, publish G.Nodes) G.Nodes {
	live := make(map[*G.Node]bool, len(sorted))
	for _, n := range publish {
		live[n] = true
	}
	for i := len(sorted) - 1; i >= 0; i-- {
		if n := sorted[i]; live[n] {
			for _, k := range children(n) {
				live[k] = true
			}
		}
	}
	out := sorted[:0:0]
	for _, n := range sorted {
		if live[n] || len(children(n)) == 0 {
			out = append(out, n)
		}
	}
	return out
}

// bind gives a published node that is computed (not a leaf) a Gorgonia value
// of its own, which Run overwrites with the node's value after every run.
func (l *lowerer) bind(n *G.Node) error {
	if len(l.kids[n]) == 0 {
		return nil
	}
	w := published{node: n, id: l.p.of[n]}
	var v G.Value
	if n.IsScalar() {
		w.f32 = new(G.F32)
		v = w.f32
	} else {
		w.dst = make([]float32, size(n.Shape()))
		v = tensor.New(tensor.WithShape(n.Shape()...), tensor.WithBacking(w.dst))
	}
	if err := G.UnsafeLet(n, v); err != nil {
		return fmt.Errorf("binding a value to %s: %w", n.Name(), err)
	}
	l.p.publish = append(l.p.publish, w)
	return nil
}

// fuse decides which elementwise nodes are computed inside the chain of
// their one consumer and which repeats are read as broadcast chain inputs.
func (l *lowerer) fuse(sorted G.Nodes) {
	for _, n := range sorted {
		c := l.consumer[n]
		if l.uses[n] != 1 || l.keep[n] || elementwise(c) == nil {
			continue
		}
		switch {
		case elementwise(n) != nil && size(n.Shape()) == size(c.Shape()):
			l.inline[n] = true
		case opType(n.Op()) == "*gorgonia.repeatOp":
			if b, ok := repeatBroadcast(n, l.kids[n][0]); ok {
				l.bcast[n] = b
			}
		}
	}
}

// opType is the Go type of an op, the handle the planner matches first
// (Gorgonia's ops are unexported types, so by name).
func opType(op G.Op) string {
	if op == nil {
		return ""
	}
	return reflect.TypeOf(op).String()
}

// newStorage adds a virtual buffer of n values.
func (l *lowerer) newStorage(n int) int {
	l.p.store = append(l.p.store, storage{n: n, def: -1, last: -1})
	return len(l.p.store) - 1
}

// value gives node n a storage of its own.
func (l *lowerer) value(n *G.Node) int {
	id := l.newStorage(size(n.Shape()))
	l.p.of[n] = id
	return id
}

// constant gives node n a storage holding a copy of v (a float32 tensor or
// scalar), or returns err, the error of computing v.
func (l *lowerer) constant(n *G.Node, v G.Value, err error) error {
	if err != nil {
		return err
	}
	var vs []float32
	switch d := v.Data().(type) {
	case []float32:
		vs = append(vs, d...)
	case float32:
		vs = []float32{d}
	default:
		return fmt.Errorf("a constant of %T where float32 was expected", v.Data())
	}
	id := l.value(n)
	l.p.store[id].pinned = true
	l.p.store[id].constant = vs
	return nil
}

// emit appends a step to the program.
func (l *lowerer) emit(name string, reads, writes []int, run func(p *Plan) error) {
	l.p.prog = append(l.p.prog, instr{name: name, reads: reads, writes: writes, run: run})
}

// in returns the storages of n's inputs.
func (l *lowerer) in(n *G.Node) []int {
	ids := make([]int, len(l.kids[n]))
	for i, k := range l.kids[n] {
		ids[i] = l.p.of[k]
	}
	return ids
}

// node lowers one node.
func (l *lowerer) node(n *G.Node) error {
	kids := l.kids[n]
	if len(kids) == 0 {
		return l.leaf(n)
	}
	if l.inline[n] {
		return nil
	}
	if _, ok := l.bcast[n]; ok {
		return nil
	}
	if elementwise(n) != nil {
		l.chain(n)
		return nil
	}
	if op, ok := n.Op().(SideResult); ok && l.side(n, op) {
		return nil
	}
	if op, ok := n.Op().(Lowerable); ok {
		if err := l.lowered(n, op); !errors.Is(err, ErrNoLowering) {
			return err
		}
		l.fallback(n)
		return nil
	}
	switch opType(n.Op()) {
	case "gorgonia.reshapeOp":
		l.p.of[n] = l.p.of[kids[0]]
		return nil
	case "gorgonia.sizeOp":
		return l.shapeConstant(n)
	case "gorgonia.linAlgBinOp":
		if ok, err := l.gemm(n); ok || err != nil {
			return err
		}
	case "gorgonia.sumOp":
		if l.sum(n) {
			return nil
		}
	case "*gorgonia.repeatOp":
		if l.repeat(n) {
			return nil
		}
	case "gorgonia.transposeOp":
		if ok, err := l.transpose(n); ok || err != nil {
			return err
		}
	case "gorgonia.concatOp":
		if ok, err := l.concat(n); ok || err != nil {
			return err
		}
	case "*gorgonia.sliceOp":
		if ok, err := l.slice(n); ok || err != nil {
			return err
		}
	case "*gorgonia.softmaxOp", "*gorgonia.softmaxDiffOp":
		if l.softmax(n) {
			return nil
		}
	}
	l.fallback(n)
	return nil
}

// leaf lowers a node without inputs: a random input (filled by the backend
// every run), a tensor of the workspace (its resident buffer), an input or
// parameter (uploaded every run) or a constant (uploaded once).
func (l *lowerer) leaf(n *G.Node) error {
	if n.Op() == nil {
		id := l.value(n)
		l.p.store[id].pinned = true
		if i, ok := l.random[n]; ok {
			l.p.randoms = append(l.p.randoms, randomLeaf{id: id, index: i, kind: l.randSpec[i]})
			return nil
		}
		if r := l.ws.lookup(Float32s(n)); r != nil {
			l.p.store[id].buf, l.p.store[id].external = r.buf, true
			l.p.residents = append(l.p.residents, r)
			return nil
		}
		l.p.inputs = append(l.p.inputs, leaf{node: n, id: id})
		return nil
	}
	if v := n.Value(); v != nil {
		return l.constant(n, v, nil)
	}
	v, err := n.Op().Do()
	return l.constant(n, v, err)
}

// shapeConstant lowers an op whose value depends on its input's shape only
// (Gorgonia's SizeOf) by running it once on zeros of that shape.
func (l *lowerer) shapeConstant(n *G.Node) error {
	k := l.kids[n][0]
	v, err := n.Op().Do(tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(k.Shape()...)))
	return l.constant(n, v, err)
}
