//go:build !amd64

package cpu

// Without the SSE loops of vec_amd64.s the Go loops of vec.go do the work.
var (
	addVV, subVV, mulVV, divVV, maxVV, minVV = vvGo(0), vvGo(1), vvGo(2), vvGo(3), vvGo(4), vvGo(5)
	addVS, subVS, mulVS, divVS, maxVS, minVS = vsGo(0), vsGo(1), vsGo(2), vsGo(3), vsGo(4), vsGo(5)
	subSV, divSV, maxSV, minSV               = svGo(1), svGo(3), svGo(4), svGo(5)
)
