//go:build !amd64

package cpu

// Without the SSE loops of vec_amd64.s the Go loops of vec.go do the work.
var (
	addVV, subVV, mulVV, divVV = addVVGo, subVVGo, mulVVGo, divVVGo
	addVS, subVS, mulVS, divVS = addVSGo, subVSGo, mulVSGo, divVSGo
	subSV, divSV               = subSVGo, divSVGo
	maxVV, minVV, maxVS, minVS = maxVVGo, minVVGo, maxVSGo, minVSGo
	maxSV, minSV               = maxSVGo, minSVGo
)
