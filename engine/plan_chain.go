package engine

import (
	"fmt"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// elemFn appends one elementwise node to a chain, given the registers of its
// operands, and returns the register of its result.
type elemFn func(c *Chain, a []int) int

func unary(op Op) elemFn { return func(c *Chain, a []int) int { return c.Unary(op, a[0]) } }

func binary(op Op) elemFn { return func(c *Chain, a []int) int { return c.Binary(op, a[0], a[1]) } }

// oneMinus is 1 − r.
func oneMinus(c *Chain, r int) int { return c.Binary(OpSub, c.Const(1), r) }

// unaryFns maps Gorgonia's elementwise unary ops, by their String (the op
// type, ʘUnaryOperatorType, is unexported), to chain programs. Sigmoid,
// softplus, log1p and expm1 are computed in float32 from the primitives, so
// they can differ from Gorgonia's (which goes through float64) in the last
// bits.
var unaryFns = map[string]elemFn{
	"abs": unary(OpAbs), "exp": unary(OpExp), "ln": unary(OpLog), "neg": unary(OpNeg),
	"sqrt": unary(OpSqrt), "inv": unary(OpRecip), "tanh": unary(OpTanh),
	"square": func(c *Chain, a []int) int { return c.Binary(OpMul, a[0], a[0]) },
	"cube":   func(c *Chain, a []int) int { return c.Binary(OpMul, c.Binary(OpMul, a[0], a[0]), a[0]) },
	"sign": func(c *Chain, a []int) int {
		zero := c.Const(0)
		return c.Where(c.Binary(OpLess, zero, a[0]), c.Const(1), c.Where(c.Binary(OpLess, a[0], zero), c.Const(-1), zero))
	},
	"sigmoid": func(c *Chain, a []int) int {
		return c.Unary(OpRecip, c.Binary(OpAdd, c.Const(1), c.Unary(OpExp, c.Unary(OpNeg, a[0]))))
	},
	// softplus(x) = max(x, 0) + ln(1 + e^−|x|), which neither overflows nor cancels.
	"softplus": func(c *Chain, a []int) int {
		e := c.Unary(OpExp, c.Unary(OpNeg, c.Unary(OpAbs, a[0])))
		return c.Binary(OpAdd, c.Binary(OpMax, a[0], c.Const(0)), c.Unary(OpLog, c.Binary(OpAdd, c.Const(1), e)))
	},
	"log1p": func(c *Chain, a []int) int { return c.Unary(OpLog, c.Binary(OpAdd, c.Const(1), a[0])) },
	"expm1": func(c *Chain, a []int) int { return c.Binary(OpSub, c.Unary(OpExp, a[0]), c.Const(1)) },
}

// binaryFns maps Gorgonia's elementwise binary ops, by the operator symbol
// their String starts with, to chain programs. Comparisons are those that
// return 1 or 0 in the operands' type (retSame).
var binaryFns = map[string]elemFn{
	"+": binary(OpAdd), "-": binary(OpSub), "⊙": binary(OpMul), "÷": binary(OpDiv),
	"<":  binary(OpLess),
	">":  func(c *Chain, a []int) int { return c.Binary(OpLess, a[1], a[0]) },
	">=": func(c *Chain, a []int) int { return oneMinus(c, c.Binary(OpLess, a[0], a[1])) },
	"<=": func(c *Chain, a []int) int { return oneMinus(c, c.Binary(OpLess, a[1], a[0])) },
	"==": func(c *Chain, a []int) int {
		return c.Binary(OpMul, oneMinus(c, c.Binary(OpLess, a[0], a[1])), oneMinus(c, c.Binary(OpLess, a[1], a[0])))
	},
	"!=": func(c *Chain, a []int) int {
		return c.Binary(OpAdd, c.Binary(OpLess, a[0], a[1]), c.Binary(OpLess, a[1], a[0]))
	},
}

// elementwise returns the chain program of node n, or nil when n is not an
// elementwise node the chain can compute.
func elementwise(n *G.Node) elemFn {
	if n == nil {
		return nil
	}
	s := fmt.Sprint(n.Op())
	switch opType(n.Op()) {
	case "gorgonia.elemUnaryOp":
		return unaryFns[s]
	case "gorgonia.elemBinOp":
		f := strings.Fields(s) // "⊙ false": the operator and whether comparisons return the operands' type
		if len(f) != 2 {
			return nil
		}
		if _, cmp := map[string]bool{"<": true, ">": true, "<=": true, ">=": true, "==": true, "!=": true}[f[0]]; cmp && f[1] != "true" {
			return nil
		}
		return binaryFns[f[0]]
	}
	return nil
}

// view is the [rows, cols] index space a chain computing a value of shape s
// runs over: the last axis is cols.
func view(s tensor.Shape) (rows, cols int) {
	n := size(s)
	if len(s) == 0 || s[len(s)-1] == 0 {
		return 1, n
	}
	return n / s[len(s)-1], s[len(s)-1]
}

// repeatBroadcast says whether a Repeat node n of input x can be read by a
// chain over n's shape as a broadcast input of x's values: One for a single
// value, Column when it repeats along the last axis, Row when x is one row
// repeated along a leading axis.
func repeatBroadcast(n, x *G.Node) (Broadcast, bool) {
	rows, cols := view(n.Shape())
	in, out := x.Shape(), n.Shape()
	switch k := size(in); {
	case k == 1:
		return One, true
	case len(in) == len(out) && in[len(in)-1] == 1 && k == rows:
		return Column, true
	case k == cols && len(in) >= 1 && in[len(in)-1] == cols && cols == out[len(out)-1]:
		return Row, true
	}
	return 0, false
}

// chainInput is an input of a chain: a storage read with a broadcast.
type chainInput struct {
	id int
	b  Broadcast
}

// chain lowers the elementwise node root, with every node inlined into it,
// to one Elementwise call.
func (l *lowerer) chain(root *G.Node) {
	rows, cols := view(root.Shape())
	var ins []chainInput
	index := map[chainInput]int{}
	var collect func(n *G.Node)
	operand := func(n *G.Node) (chainInput, bool) {
		if b, ok := l.bcast[n]; ok {
			return chainInput{l.p.of[l.kids[n][0]], b}, true
		}
		if l.inline[n] {
			return chainInput{}, false
		}
		id := l.p.of[n]
		b := Full
		if l.p.store[id].n == 1 && rows*cols != 1 {
			b = One
		}
		return chainInput{id, b}, true
	}
	collect = func(n *G.Node) {
		for _, k := range l.kids[n] {
			in, ok := operand(k)
			if !ok {
				collect(k)
				continue
			}
			if _, seen := index[in]; !seen {
				index[in] = len(ins)
				ins = append(ins, in)
			}
		}
	}
	collect(root)
	kinds := make([]Broadcast, len(ins))
	reads := make([]int, len(ins))
	for i, in := range ins {
		kinds[i], reads[i] = in.b, in.id
	}
	c := NewChain(kinds...)
	var gen func(n *G.Node) int
	gen = func(n *G.Node) int {
		regs := make([]int, len(l.kids[n]))
		for i, k := range l.kids[n] {
			if in, ok := operand(k); ok {
				regs[i] = index[in]
			} else {
				regs[i] = gen(k)
			}
		}
		return elementwise(n)(c, regs)
	}
	c.Output(gen(root))
	out := l.value(root)
	bufs := make([]Buffer, len(reads))
	outs := make([]Buffer, 1)
	l.emit(fmt.Sprintf("chain %s (%d ops, %d×%d)", root.Op(), len(c.Code), rows, cols), reads, []int{out}, func(p *Plan) error {
		for i, id := range reads {
			bufs[i] = p.buf(id)
		}
		outs[0] = p.buf(out)
		p.be.Elementwise(c, rows, cols, bufs, outs)
		return nil
	})
}
