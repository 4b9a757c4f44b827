package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// This file holds every place where the models work around a behaviour of
// Gorgonia v0.9.18. Each workaround has a test in gorgonia_test.go that
// asserts Gorgonia's behaviour as it is today, so the test fails the day
// Gorgonia changes and the workaround can be reconsidered.

// InvSqrt is 1/√x, elementwise, written as Inverse(Sqrt(x)).
//
// Workaround: the symbolic derivative of Gorgonia's InverseSqrt is
// −½·x^(3/2) where the truth is −½·x^(−3/2): right at x = 1 only (at x = 2 and 3
// it gives −1.414 and −2.598, the truth is −0.177 and −0.096), so a
// normalization layer built on it would train on wrong gradients. See
// TestInverseSqrtGradientIsWrong.
func (n *Net) InvSqrt(x *G.Node) *G.Node { return n.Inverse(n.Sqrt(x)) }

// LogSoftMax is log softmax(x) along axis (the row maximum is subtracted
// first, so large values do not overflow).
func (n *Net) LogSoftMax(x *G.Node, axis int) *G.Node {
	if n.err == nil && n.softmaxes[softmaxKey{x, axis}] {
		n.Fail(n.layer, fmt.Errorf("log-softmax of %s: the graph already holds its softmax, and Gorgonia would return that node; ask for the log-softmax first", x.Name()))
		return nil
	}
	node := n.apply("log-softmax", func() (*G.Node, error) { return G.LogSoftMax(x, axis) }, x)
	if node != nil {
		n.logSoftmaxes[softmaxKey{x, axis}] = true
	}
	return node
}

// SoftMax is softmax(x) along axis.
//
// Workaround: Gorgonia hashes SoftMax and LogSoftMax of one node alike, so a
// graph holding both gets one node for the two (whichever came first). When
// the log-softmax of x is in the graph already, SoftMax returns its
// exponential instead; LogSoftMax refuses a node whose softmax is in the graph.
// See TestSoftMaxAndLogSoftMaxMerge.
func (n *Net) SoftMax(x *G.Node, axis int) *G.Node {
	if n.err == nil && n.logSoftmaxes[softmaxKey{x, axis}] {
		return n.Exp(n.LogSoftMax(x, axis))
	}
	node := n.apply("softmax", func() (*G.Node, error) { return G.SoftMax(x, axis) }, x)
	if node != nil {
		n.softmaxes[softmaxKey{x, axis}] = true
	}
	return node
}

type softmaxKey struct {
	x    *G.Node
	axis int
}

// Keep marks nodes whose values are read after a run (losses, logits, codes).
//
// Workaround: Gorgonia's TapeMachine reuses the memory of a node once nothing
// downstream reads it and runs some operations in place, so after a run an
// intermediate node can hold another node's numbers. The executor copies the
// values of kept nodes out as they are computed (engine.Keep), which is the one
// way the project reads intermediate values. See TestTapeOverwritesUnkeptNodes.
func (n *Net) Keep(nodes ...*G.Node) {
	for _, node := range nodes {
		if node != nil && !n.kept.Contains(node) {
			n.kept = append(n.kept, node)
		}
	}
}

// Kept lists the nodes marked by Keep, for engine.Keep.
func (n *Net) Kept() G.Nodes { return n.kept }
