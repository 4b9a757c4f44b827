package engine

import G "gorgonia.org/gorgonia"

// SideResult is an op whose value is one of the side results of its first
// operand's op (Lowering.Side): a fused kernel computes several values at
// once (a layer norm's output and its row statistics; an input gradient and
// the parameter gradients), while a Gorgonia node has one value, so the
// other values are nodes of their own whose op names the side result. On
// the tape such a node computes its value with its own Do from its other
// operands; in the plan it reads the storage the first operand's lowering
// wrote and costs no kernel.
type SideResult interface {
	// SideResult is the index of the value in its first operand's
	// Lowering.Side.
	SideResult() int
}

// side makes node n, whose op is a SideResult, stand for a side result of
// its first operand's lowering: it reports false, and n runs through its
// op's Do, when that operand was not lowered with side results (it fell
// back to the host) or the result's length is not n's.
func (l *lowerer) side(n *G.Node, op SideResult) bool {
	ids := l.sides[l.kids[n][0]]
	i := op.SideResult()
	if i < 0 || i >= len(ids) || l.p.store[ids[i]].n != size(n.Shape()) {
		return false
	}
	l.p.of[n] = ids[i]
	return true
}
