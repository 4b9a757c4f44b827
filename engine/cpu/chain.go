package cpu

import (
	"fmt"
	"slices"

	"github.com/chewxy/math32"

	"genxai/engine"
)

// chainBlock is the number of elements a chain evaluates per instruction
// pass: small enough that the registers stay in the L1/L2 cache, large
// enough that the per-instruction dispatch is amortized.
const chainBlock = 512

// Elementwise evaluates the chain block by block: each instruction runs as a
// tight loop over a block of registers, Full inputs are read in place.
// An output may be the buffer of a Full input (in place) as long as that
// input's register is not itself an output.
func (b *Backend) Elementwise(c *engine.Chain, rows, cols int, in, out []engine.Buffer) {
	if err := c.Check(); err != nil {
		panic("cpu: Elementwise: " + err.Error())
	}
	if len(in) != len(c.Inputs) || len(out) != len(c.Outputs) {
		panic(fmt.Sprintf("cpu: Elementwise: %d inputs and %d outputs for a chain of %d and %d", len(in), len(out), len(c.Inputs), len(c.Outputs)))
	}
	n := rows * cols
	j := &b.chain
	j.c, j.cols, j.n = c, cols, n
	j.ins, j.outs = j.ins[:0], j.outs[:0]
	for i, x := range in {
		j.ins = append(j.ins, chainData("input", i, x, c.Inputs[i].Len(rows, cols)))
	}
	j.direct = j.direct[:0]
	for i, x := range out {
		d := chainData("output", i, x, n)
		j.outs = append(j.outs, d)
		j.direct = append(j.direct, directOutput(c, i, d, j.ins))
	}
	for len(j.regs) < b.workers {
		j.regs = append(j.regs, nil)
	}
	for w := range j.regs {
		if cap(j.regs[w]) < c.Registers() {
			j.regs[w] = make([][]float32, c.Registers())
		}
		j.regs[w] = j.regs[w][:c.Registers()]
	}
	for w := range b.scratch {
		b.scratchOf(w, c.Registers()*chainBlock)
	}
	j.scratch = b.scratch
	b.run((n+chainBlock-1)/chainBlock, chainBlock*len(c.Code), j)
}

// chainData returns the slice of a chain's buffer after checking its length.
func chainData(what string, i int, x engine.Buffer, want int) []float32 {
	d := Data(x)
	if len(d) != want {
		panic(fmt.Sprintf("cpu: Elementwise %s %d: buffer of %d values where the shape needs %d", what, i, len(d), want))
	}
	return d
}

// directOutput says whether the instructions may write output i of c, d,
// themselves instead of a register copied to d after the block: its
// register is an instruction's (not an input's), no earlier output is the
// same register, and d is the buffer of no input (which a later instruction
// could read after the output's element was written).
func directOutput(c *engine.Chain, i int, d []float32, ins [][]float32) bool {
	r := c.Outputs[i]
	if r < len(c.Inputs) || slices.Contains(c.Outputs[:i], r) || len(d) == 0 {
		return false
	}
	for _, x := range ins {
		if len(x) > 0 && &x[0] == &d[0] {
			return false
		}
	}
	return true
}

// chainJob is one Elementwise call, its blocks shared out by run. Its
// slices are kept from call to call, so a call allocates nothing.
type chainJob struct {
	c         *engine.Chain
	cols, n   int
	ins, outs [][]float32
	direct    []bool        // per output: written by its instruction in place (directOutput)
	regs      [][][]float32 // per worker
	scratch   [][]float32   // per worker: the backend's
}

func (j *chainJob) do(w, lo, hi int) {
	for blk := lo; blk < hi; blk++ {
		start := blk * chainBlock
		runChain(j.c, j.cols, j.ins, j.outs, j.direct, j.regs[w], j.scratch[w], start, min(start+chainBlock, j.n))
	}
}

// runChain evaluates elements [start, end) of the chain; the registers of
// the direct outputs are those outputs' elements.
func runChain(c *engine.Chain, cols int, ins, outs [][]float32, direct []bool, regs [][]float32, scratch []float32, start, end int) {
	m := end - start
	for r := range regs {
		regs[r] = scratch[r*chainBlock : r*chainBlock+m]
	}
	for i, r := range c.Outputs {
		if direct[i] {
			regs[r] = outs[i][start:end]
		}
	}
	for i, kind := range c.Inputs {
		src := ins[i]
		switch kind {
		case engine.Full:
			regs[i] = src[start:end]
		case engine.One:
			fill(regs[i], src[0])
		case engine.Row:
			col := start % cols
			for j := range regs[i] {
				regs[i][j] = src[col]
				if col++; col == cols {
					col = 0
				}
			}
		case engine.Column:
			row, col := start/cols, start%cols
			for j := range regs[i] {
				regs[i][j] = src[row]
				if col++; col == cols {
					row, col = row+1, 0
				}
			}
		}
	}
	base := len(c.Inputs)
	for k, in := range c.Code {
		apply(in, regs[base+k], regs)
	}
	for i, r := range c.Outputs {
		if !direct[i] {
			copy(outs[i][start:end], regs[r])
		}
	}
}

func fill(d []float32, v float32) {
	for j := range d {
		d[j] = v
	}
}

// apply runs one instruction over a block.
func apply(in engine.Instr, d []float32, regs [][]float32) {
	var a, b, c []float32
	switch in.Op.Arity() {
	case 3:
		c = regs[in.C][:len(d)]
		fallthrough
	case 2:
		b = regs[in.B][:len(d)]
		fallthrough
	case 1:
		a = regs[in.A][:len(d)]
	}
	switch in.Op {
	case engine.OpConst:
		fill(d, in.Imm)
	case engine.OpNeg:
		for j, x := range a {
			d[j] = -x
		}
	case engine.OpExp:
		for j, x := range a {
			d[j] = math32.Exp(x)
		}
	case engine.OpLog:
		for j, x := range a {
			d[j] = math32.Log(x)
		}
	case engine.OpSqrt:
		for j, x := range a {
			d[j] = math32.Sqrt(x)
		}
	case engine.OpRecip:
		for j, x := range a {
			d[j] = 1 / x
		}
	case engine.OpTanh:
		for j, x := range a {
			d[j] = math32.Tanh(x)
		}
	case engine.OpAbs:
		for j, x := range a {
			d[j] = math32.Abs(x)
		}
	case engine.OpAdd:
		for j, x := range a {
			d[j] = x + b[j]
		}
	case engine.OpSub:
		for j, x := range a {
			d[j] = x - b[j]
		}
	case engine.OpMul:
		for j, x := range a {
			d[j] = x * b[j]
		}
	case engine.OpDiv:
		for j, x := range a {
			d[j] = x / b[j]
		}
	case engine.OpMax:
		for j, x := range a {
			if x > b[j] {
				d[j] = x
			} else {
				d[j] = b[j]
			}
		}
	case engine.OpMin:
		for j, x := range a {
			if x < b[j] {
				d[j] = x
			} else {
				d[j] = b[j]
			}
		}
	case engine.OpLess:
		for j, x := range a {
			d[j] = 0
			if x < b[j] {
				d[j] = 1
			}
		}
	case engine.OpWhere:
		for j, x := range a {
			if x != 0 {
				d[j] = b[j]
			} else {
				d[j] = c[j]
			}
		}
	}
}
