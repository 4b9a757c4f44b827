package cpu

// The binary operations of a chain (add, subtract, multiply, divide,
// maximum, minimum) over a block of registers, one operand possibly a scalar
// (a One input or a constant, see chainScalars): d[i] = a[i] op b[i] (VV),
// a[i] op s (VS) and s op a[i] (SV), a and b holding at least len(d) values.
// On amd64 they are SSE loops (vec_amd64.s); elsewhere, and as the reference
// their tests hold them to, Go loops over binOps. Both compute every element
// with one IEEE 754 single-precision operation or comparison, so they give
// the same bits.

// binOps are OpAdd … OpMin (by op − OpAdd) on one pair of values. OpMax and
// OpMin give b for a NaN or a pair of zeros, as MAXPS and MINPS do.
var binOps = [...]func(a, b float32) float32{
	func(a, b float32) float32 { return a + b },
	func(a, b float32) float32 { return a - b },
	func(a, b float32) float32 { return a * b },
	func(a, b float32) float32 { return a / b },
	func(a, b float32) float32 {
		if a > b {
			return a
		}
		return b
	},
	func(a, b float32) float32 {
		if a < b {
			return a
		}
		return b
	},
}

// vvGo, vsGo and svGo are the Go loops of binOps[k].
func vvGo(k int) func(d, a, b []float32) {
	op := binOps[k]
	return func(d, a, b []float32) {
		for j, x := range a[:len(d)] {
			d[j] = op(x, b[j])
		}
	}
}

func vsGo(k int) func(d, a []float32, s float32) {
	op := binOps[k]
	return func(d, a []float32, s float32) {
		for j, x := range a[:len(d)] {
			d[j] = op(x, s)
		}
	}
}

func svGo(k int) func(d, a []float32, s float32) {
	op := binOps[k]
	return func(d, a []float32, s float32) {
		for j, x := range a[:len(d)] {
			d[j] = op(s, x)
		}
	}
}

// The loops of OpAdd … OpMin by op − OpAdd, and by name those other kernels
// call. Addition and multiplication commute exactly, so their scalar-first
// forms are VS.
var (
	arithVV = [...]func(d, a, b []float32){addVV, subVV, mulVV, divVV, maxVV, minVV}
	arithVS = [...]func(d, a []float32, s float32){addVS, subVS, mulVS, divVS, maxVS, minVS}
	arithSV = [...]func(d, a []float32, s float32){addVS, subSV, mulVS, divSV, maxSV, minSV}
)
