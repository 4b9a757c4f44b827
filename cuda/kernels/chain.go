package kernels

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	"genxai/engine"
)

// ChainKernelName is the name of the kernel ChainSource generates for c:
// "chain_" and twelve hex digits of the hash of its program, so distinct
// chains have distinct names and a harness can link many into one binary.
func ChainKernelName(c *engine.Chain) string {
	h := sha256.Sum256([]byte(chainBody(c, "")))
	return "chain_" + hex.EncodeToString(h[:6])
}

// ChainUnit is the compilation unit of c (compiled once per distinct chain;
// its Hash keys the cache).
func ChainUnit(c *engine.Chain) Unit {
	return Unit{Name: ChainKernelName(c), Source: ChainSource(c)}
}

// ChainParams are the parameters of c's kernel: the element count n, the
// row length cols, the inputs in order (Full, Row, Column or One reads) and
// the outputs. Launch it with rule Elements over n.
func ChainParams(c *engine.Chain) []Param {
	p := []Param{{"n", I64}, {"cols", I32}}
	for i := range c.Inputs {
		p = append(p, Param{fmt.Sprintf("in%d", i), In})
	}
	for i := range c.Outputs {
		p = append(p, Param{fmt.Sprintf("out%d", i), Out})
	}
	return p
}

// ChainSource returns the complete CUDA source of c (header, prelude and one
// kernel, ChainKernelName(c)): a grid-stride loop over the rows·cols
// elements that loads each input with its broadcast, runs the program on
// registers and stores the outputs. The operations are engine/cpu's: Max and
// Min are comparisons (not fmaxf, whose NaN rule differs), constants are
// exact bit patterns, and exp, log and tanh are CUDA's expf, logf and tanhf
// (within 2 ulp of chewxy/math32's). Outputs may alias Full inputs, so no
// pointer is __restrict__; each element reads before it writes.
func ChainSource(c *engine.Chain) string {
	if err := c.Check(); err != nil {
		panic("kernels: ChainSource: " + err.Error())
	}
	return header() + chainBody(c, ChainKernelName(c))
}

func chainBody(c *engine.Chain, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// Elementwise chain %+v\nextern \"C\" __global__ void %s(i64 n, int cols", *c, name)
	for i := range c.Inputs {
		fmt.Fprintf(&b, ", const float* in%d", i)
	}
	for i := range c.Outputs {
		fmt.Fprintf(&b, ", float* out%d", i)
	}
	b.WriteString(") {\n  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {\n")
	for i, br := range c.Inputs {
		idx := map[engine.Broadcast]string{engine.Full: "i", engine.Row: "i % cols", engine.Column: "i / cols", engine.One: "0"}[br]
		fmt.Fprintf(&b, "    const float r%d = in%d[%s];\n", i, i, idx)
	}
	base := len(c.Inputs)
	for k, in := range c.Code {
		fmt.Fprintf(&b, "    const float r%d = %s;\n", base+k, opExpr(in))
	}
	for i, r := range c.Outputs {
		fmt.Fprintf(&b, "    out%d[i] = r%d;\n", i, r)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// opExpr is the C expression of one instruction over registers rA, rB, rC.
func opExpr(in engine.Instr) string {
	a, bb, c := fmt.Sprintf("r%d", in.A), fmt.Sprintf("r%d", in.B), fmt.Sprintf("r%d", in.C)
	switch in.Op {
	case engine.OpConst:
		return fmt.Sprintf("__int_as_float(0x%08x) /* %v */", math.Float32bits(in.Imm), in.Imm)
	case engine.OpNeg:
		return "-" + a
	case engine.OpExp:
		return "expf(" + a + ")"
	case engine.OpLog:
		return "logf(" + a + ")"
	case engine.OpSqrt:
		return "sqrtf(" + a + ")"
	case engine.OpRecip:
		return "1.0f / " + a
	case engine.OpTanh:
		return "tanhf(" + a + ")"
	case engine.OpAbs:
		return "fabsf(" + a + ")"
	case engine.OpAdd:
		return a + " + " + bb
	case engine.OpSub:
		return a + " - " + bb
	case engine.OpMul:
		return a + " * " + bb
	case engine.OpDiv:
		return a + " / " + bb
	case engine.OpMax:
		return fmt.Sprintf("%s > %s ? %s : %s", a, bb, a, bb)
	case engine.OpMin:
		return fmt.Sprintf("%s < %s ? %s : %s", a, bb, a, bb)
	case engine.OpLess:
		return fmt.Sprintf("%s < %s ? 1.0f : 0.0f", a, bb)
	case engine.OpWhere:
		return fmt.Sprintf("%s != 0.0f ? %s : %s", a, bb, c)
	}
	panic(fmt.Sprintf("kernels: chain operation %v has no CUDA form", in.Op))
}
