package cpu

// The binary operations of a chain (add, subtract, multiply, divide,
// maximum, minimum) over a block of registers, one operand possibly a scalar
// (a One input or a constant, see chainScalars): d[i] = a[i] op b[i] (VV),
// a[i] op s (VS) and s op a[i] (SV). On amd64 they are SSE loops
// (vec_amd64.s); elsewhere, and as the reference their tests hold them to,
// the Go loops below. Both compute every element with one IEEE 754
// single-precision operation or comparison, so they give the same bits.

// maxOf and minOf are OpMax and OpMin: a NaN or a pair of zeros gives b.
func maxOf(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

func minOf(a, b float32) float32 {
	if a < b {
		return a
	}
	return b
}

func maxVVGo(d, a, b []float32) {
	for j, x := range a[:len(d)] {
		d[j] = maxOf(x, b[j])
	}
}

func minVVGo(d, a, b []float32) {
	for j, x := range a[:len(d)] {
		d[j] = minOf(x, b[j])
	}
}

func maxVSGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = maxOf(x, s)
	}
}

func minVSGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = minOf(x, s)
	}
}

func maxSVGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = maxOf(s, x)
	}
}

func minSVGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = minOf(s, x)
	}
}

func addVVGo(d, a, b []float32) {
	for j, x := range a[:len(d)] {
		d[j] = x + b[j]
	}
}

func subVVGo(d, a, b []float32) {
	for j, x := range a[:len(d)] {
		d[j] = x - b[j]
	}
}

func mulVVGo(d, a, b []float32) {
	for j, x := range a[:len(d)] {
		d[j] = x * b[j]
	}
}

func divVVGo(d, a, b []float32) {
	for j, x := range a[:len(d)] {
		d[j] = x / b[j]
	}
}

func addVSGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = x + s
	}
}

func subVSGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = x - s
	}
}

func mulVSGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = x * s
	}
}

func divVSGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = x / s
	}
}

func subSVGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = s - x
	}
}

func divSVGo(d, a []float32, s float32) {
	for j, x := range a[:len(d)] {
		d[j] = s / x
	}
}
