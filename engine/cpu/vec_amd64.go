package cpu

// SSE loops of vec_amd64.s; a and b hold at least len(d) values.

//go:noescape
func addVV(d, a, b []float32)

//go:noescape
func subVV(d, a, b []float32)

//go:noescape
func mulVV(d, a, b []float32)

//go:noescape
func divVV(d, a, b []float32)

//go:noescape
func addVS(d, a []float32, s float32)

//go:noescape
func subVS(d, a []float32, s float32)

//go:noescape
func mulVS(d, a []float32, s float32)

//go:noescape
func divVS(d, a []float32, s float32)

//go:noescape
func subSV(d, a []float32, s float32)

//go:noescape
func divSV(d, a []float32, s float32)

//go:noescape
func maxVV(d, a, b []float32)

//go:noescape
func minVV(d, a, b []float32)

//go:noescape
func maxVS(d, a []float32, s float32)

//go:noescape
func minVS(d, a []float32, s float32)

//go:noescape
func maxSV(d, a []float32, s float32)

//go:noescape
func minSV(d, a []float32, s float32)
