package engine

import "fmt"

// Op is a primitive elementwise operation of a Chain. The set is small on
// purpose, in the spirit of tinygrad's primitive ops: everything elementwise
// that a graph holds (activations, their derivatives, bias adds, dropout,
// loss terms) is a short program over these, so a backend implements a dozen
// operations once and fuses any chain of them into one pass over memory.
type Op uint8

// The primitive operations. Unary ones read A; binary ones A and B; Where
// reads all three. Const ignores its operands and yields Instr.Imm. The
// transcendental functions are those of github.com/chewxy/math32, which
// gorgonia.org/tensor uses for float32.
const (
	OpConst Op = iota // Imm
	OpNeg             // −a
	OpExp             // eᵃ
	OpLog             // ln a
	OpSqrt            // √a
	OpRecip           // 1/a
	OpTanh            // tanh a
	OpAbs             // |a|
	OpAdd             // a + b
	OpSub             // a − b
	OpMul             // a · b
	OpDiv             // a / b
	OpMax             // a > b ? a : b
	OpMin             // a < b ? a : b
	OpLess            // 1 if a < b else 0
	OpWhere           // a ≠ 0 ? b : c
	opCount
)

var opNames = [opCount]string{"const", "neg", "exp", "log", "sqrt", "recip", "tanh", "abs",
	"add", "sub", "mul", "div", "max", "min", "less", "where"}

// String returns the operation's name.
func (o Op) String() string {
	if o < opCount {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", o)
}

// Arity is the number of register operands o reads.
func (o Op) Arity() int {
	switch {
	case o == OpConst:
		return 0
	case o <= OpAbs:
		return 1
	case o <= OpLess:
		return 2
	}
	return 3
}

// Broadcast says how an input of a Chain maps onto the [rows, cols] index
// space it is evaluated over.
type Broadcast uint8

// The broadcasts.
const (
	Full   Broadcast = iota // rows·cols values, one per element
	Row                     // cols values, repeated for every row (a bias along the last axis)
	Column                  // rows values, one per row, repeated along the last axis
	One                     // one value for every element
)

// Len is the number of values an input with broadcast b holds.
func (b Broadcast) Len(rows, cols int) int {
	switch b {
	case Row:
		return cols
	case Column:
		return rows
	case One:
		return 1
	}
	return rows * cols
}

// Instr is one instruction of a Chain: Op applied to registers A, B and C.
type Instr struct {
	Op      Op
	A, B, C int
	Imm     float32
}

// Chain is a fused elementwise program in single-assignment form. Registers
// 0 … len(Inputs)−1 hold the inputs (read with their Broadcast); the i-th
// instruction writes register len(Inputs)+i; Outputs names the registers
// written to the output buffers, in order. Build one with NewChain.
type Chain struct {
	Inputs  []Broadcast
	Code    []Instr
	Outputs []int
}

// NewChain starts a chain whose inputs have the given broadcasts; input i
// is register i.
func NewChain(inputs ...Broadcast) *Chain {
	return &Chain{Inputs: append([]Broadcast(nil), inputs...)}
}

// Registers is the number of registers the chain uses.
func (c *Chain) Registers() int { return len(c.Inputs) + len(c.Code) }

func (c *Chain) emit(in Instr) int {
	c.Code = append(c.Code, in)
	return c.Registers() - 1
}

// Const appends a constant and returns its register.
func (c *Chain) Const(v float32) int { return c.emit(Instr{Op: OpConst, Imm: v}) }

// Unary appends op(a) and returns its register.
func (c *Chain) Unary(op Op, a int) int { return c.emit(Instr{Op: op, A: a}) }

// Binary appends op(a, b) and returns its register.
func (c *Chain) Binary(op Op, a, b int) int { return c.emit(Instr{Op: op, A: a, B: b}) }

// Where appends cond ≠ 0 ? a : b and returns its register.
func (c *Chain) Where(cond, a, b int) int { return c.emit(Instr{Op: OpWhere, A: cond, B: a, C: b}) }

// Output marks registers as outputs, in order.
func (c *Chain) Output(regs ...int) { c.Outputs = append(c.Outputs, regs...) }

// Check returns an error naming the first instruction that reads a register
// not yet written or has an unknown operation, or a missing or unknown output.
func (c *Chain) Check() error {
	for i, in := range c.Code {
		if in.Op >= opCount {
			return fmt.Errorf("chain instruction %d: unknown operation %d", i, in.Op)
		}
		reg := len(c.Inputs) + i
		for j, r := range []int{in.A, in.B, in.C}[:in.Op.Arity()] {
			if r < 0 || r >= reg {
				return fmt.Errorf("chain instruction %d (%s): operand %d reads register %d, only 0…%d are written", i, in.Op, j, r, reg-1)
			}
		}
	}
	if len(c.Outputs) == 0 {
		return fmt.Errorf("chain has no outputs: call Output")
	}
	for i, r := range c.Outputs {
		if r < 0 || r >= c.Registers() {
			return fmt.Errorf("chain output %d is register %d, only 0…%d exist", i, r, c.Registers()-1)
		}
	}
	return nil
}
