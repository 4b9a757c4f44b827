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
	j.scal, j.sval = chainScalars(c, j.ins, j.scal, j.sval)
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

// chainScalars finds the registers of c that hold one value for every
// element (One inputs, constants) and are read only as an operand of an
// addition, subtraction, multiplication, division, maximum or minimum whose
// other operand is not such a register: those are kept as a scalar (scal[r],
// value sval[r]) instead of being filled block by block. It reuses scal's and
// sval's memory.
func chainScalars(c *engine.Chain, ins [][]float32, scal []bool, sval []float32) ([]bool, []float32) {
	n := c.Registers()
	if cap(scal) < n {
		scal, sval = make([]bool, n), make([]float32, n)
	}
	scal, sval = scal[:n], sval[:n]
	clear(scal)
	for i, b := range c.Inputs {
		if b == engine.One {
			scal[i], sval[i] = true, ins[i][0]
		}
	}
	base := len(c.Inputs)
	for k, in := range c.Code {
		if in.Op == engine.OpConst {
			scal[base+k], sval[base+k] = true, in.Imm
		}
	}
	for _, in := range c.Code { // a reader that needs the register filled
		switch arith := isArith(in.Op); {
		case arith && (in.A == in.B || scal[in.A] && scal[in.B]):
			scal[in.A], scal[in.B] = false, false
		case !arith:
			for _, r := range []int{in.A, in.B, in.C}[:in.Op.Arity()] {
				scal[r] = false
			}
		}
	}
	for _, r := range c.Outputs {
		scal[r] = false
	}
	return scal, sval
}

// chainJob is one Elementwise call, its blocks shared out by run. Its
// slices are kept from call to call, so a call allocates nothing.
type chainJob struct {
	c         *engine.Chain
	cols, n   int
	ins, outs [][]float32
	direct    []bool // per output: written by its instruction in place (directOutput)
	scal      []bool // per register: kept as the scalar sval (chainScalars)
	sval      []float32
	regs      [][][]float32 // per worker
	scratch   [][]float32   // per worker: the backend's
}

func (j *chainJob) do(w, lo, hi int) {
	for blk := lo; blk < hi; blk++ {
		start := blk * chainBlock
		runChain(j, j.regs[w], j.scratch[w], start, min(start+chainBlock, j.n))
	}
}

// runChain evaluates elements [start, end) of the chain; the registers of
// the direct outputs are those outputs' elements.
func runChain(j *chainJob, regs [][]float32, scratch []float32, start, end int) {
	c, cols, ins, outs, direct := j.c, j.cols, j.ins, j.outs, j.direct
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
			if !j.scal[i] {
				fill(regs[i], src[0])
			}
		case engine.Row: // the row from column start%cols on, then whole rows
			for j, col := 0, start%cols; j < m; col = 0 {
				j += copy(regs[i][j:], src[col:])
			}
		case engine.Column: // each row's value over that row's columns in the block
			for j, row, col := 0, start/cols, start%cols; j < m; row, col = row+1, 0 {
				k := min(m, j+cols-col)
				fill(regs[i][j:k], src[row])
				j = k
			}
		}
	}
	base := len(c.Inputs)
	for k, in := range c.Code {
		if !j.scal[base+k] {
			apply(in, regs[base+k], regs, j.scal, j.sval)
		}
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

// apply runs one instruction over a block; an operand r with scal[r] is
// the scalar sval[r] (only arithmetic reads one, see chainScalars).
func apply(in engine.Instr, d []float32, regs [][]float32, scal []bool, sval []float32) {
	if isArith(in.Op) {
		arith(in, d, regs, scal, sval)
		return
	}
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
		expBlock(d, a)
	case engine.OpLog:
		for j, x := range a {
			d[j] = math32.Log(x)
		}
	case engine.OpSqrt:
		for j, x := range a {
			d[j] = math32.Sqrt(x)
		}
	case engine.OpRecip:
		divSV(d, a, 1)
	case engine.OpTanh:
		tanhBlock(d, a)
	case engine.OpAbs:
		for j, x := range a {
			d[j] = math32.Abs(x)
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

// isArith says whether op is one of the binary operations of the vec.go
// loops, whose operands may be scalars.
func isArith(op engine.Op) bool { return op >= engine.OpAdd && op <= engine.OpMin }

// arith runs a binary operation of the vec.go loops over a block, either
// operand possibly a scalar.
func arith(in engine.Instr, d []float32, regs [][]float32, scal []bool, sval []float32) {
	k := in.Op - engine.OpAdd
	switch a, b := regs[in.A], regs[in.B]; {
	case scal[in.B]:
		arithVS[k](d, a[:len(d)], sval[in.B])
	case scal[in.A]:
		arithSV[k](d, b[:len(d)], sval[in.A])
	default:
		arithVV[k](d, a[:len(d)], b[:len(d)])
	}
}
