package enginetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/chewxy/math32"

	"genxai/engine"
)

// evalChain is the reference: the chain interpreted one element at a time.
func evalChain(c *engine.Chain, rows, cols int, in [][]float32) [][]float32 {
	n := rows * cols
	out := make([][]float32, len(c.Outputs))
	for i := range out {
		out[i] = make([]float32, n)
	}
	reg := make([]float32, c.Registers())
	for e := 0; e < n; e++ {
		for i, b := range c.Inputs {
			idx := map[engine.Broadcast]int{engine.Full: e, engine.Row: e % cols, engine.Column: e / cols, engine.One: 0}[b]
			reg[i] = in[i][idx]
		}
		for k, ins := range c.Code {
			a, b, cc := reg[ins.A], reg[ins.B], reg[ins.C]
			var v float32
			switch ins.Op {
			case engine.OpConst:
				v = ins.Imm
			case engine.OpNeg:
				v = -a
			case engine.OpExp:
				v = math32.Exp(a)
			case engine.OpLog:
				v = math32.Log(a)
			case engine.OpSqrt:
				v = math32.Sqrt(a)
			case engine.OpRecip:
				v = 1 / a
			case engine.OpTanh:
				v = math32.Tanh(a)
			case engine.OpAbs:
				v = math32.Abs(a)
			case engine.OpAdd:
				v = a + b
			case engine.OpSub:
				v = a - b
			case engine.OpMul:
				v = a * b
			case engine.OpDiv:
				v = a / b
			case engine.OpMax:
				v = b
				if a > b {
					v = a
				}
			case engine.OpMin:
				v = b
				if a < b {
					v = a
				}
			case engine.OpLess:
				if a < b {
					v = 1
				}
			case engine.OpWhere:
				v = cc
				if a != 0 {
					v = b
				}
			}
			reg[len(c.Inputs)+k] = v
		}
		for i, r := range c.Outputs {
			out[i][e] = reg[r]
		}
	}
	return out
}

// randomChain draws a chain of 1 to 4 inputs with random broadcasts, 1 to 10
// random instructions over earlier registers and 1 or 2 outputs.
func randomChain(rng *rand.Rand) *engine.Chain {
	in := make([]engine.Broadcast, 1+rng.IntN(4))
	for i := range in {
		in[i] = engine.Broadcast(rng.IntN(4))
	}
	in[0] = engine.Full
	c := engine.NewChain(in...)
	for k := 1 + rng.IntN(10); k > 0; k-- {
		r := func() int { return rng.IntN(c.Registers()) }
		switch op := engine.Op(rng.IntN(int(engine.OpWhere) + 1)); op.Arity() {
		case 0:
			c.Const(float32(rng.NormFloat64()))
		case 1:
			c.Unary(op, r())
		case 2:
			c.Binary(op, r(), r())
		default:
			c.Where(r(), r(), r())
		}
	}
	c.Output(c.Registers() - 1)
	if rng.IntN(2) == 0 {
		c.Output(rng.IntN(c.Registers()))
	}
	return c
}

// chainCase runs random chains on every shape, bit for bit against the
// one-element-at-a-time reference (same operations, same order), and a
// bias-add-then-tanh chain written in place over its input.
func chainCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, sh := range shapes2() {
		rows, cols := sh[0], sh[1]
		for trial := 0; trial < 6; trial++ {
			c := randomChain(rng)
			ins, bufs := make([][]float32, len(c.Inputs)), make([]engine.Buffer, len(c.Inputs))
			for i, b := range c.Inputs {
				ins[i] = normals(rng, b.Len(rows, cols))
				bufs[i] = up(be, ins[i])
			}
			ob := make([]engine.Buffer, len(c.Outputs))
			for i := range ob {
				ob[i] = be.Alloc(rows * cols)
			}
			be.Elementwise(c, rows, cols, bufs, ob)
			want := evalChain(c, rows, cols, ins)
			for i := range ob {
				got := down(t, be, ob[i])
				exact(t, fmt.Sprintf("%d×%d chain %+v output %d", rows, cols, c, i), got, want[i])
				outs = append(outs, got)
			}
		}
		c := engine.NewChain(engine.Full, engine.Row)
		c.Output(c.Unary(engine.OpTanh, c.Binary(engine.OpAdd, 0, 1)))
		x, bias := normals(rng, rows*cols), normals(rng, cols)
		xb := up(be, x)
		be.Elementwise(c, rows, cols, []engine.Buffer{xb, up(be, bias)}, []engine.Buffer{xb})
		got := down(t, be, xb)
		exact(t, fmt.Sprintf("%d×%d in-place tanh(x + b)", rows, cols), got, evalChain(c, rows, cols, [][]float32{x, bias})[0])
		outs = append(outs, got)
	}
	return outs
}
