package explain

import "fmt"

// ScaleModes are the values of --scale: per-image divides each heatmap by
// its own largest magnitude, shared divides every heatmap of a picture by
// the largest magnitude over all of them, so that their colours compare.
var ScaleModes = []string{"per-image", "shared"}

// MapScales returns the divisor of each map under mode (one of ScaleModes):
// MaxAbs of the map itself, or, shared, the largest MaxAbs over all maps. A
// map of zeros gets 1 (per-image), as MaxAbs gives.
func MapScales(maps [][]float64, mode string) ([]float64, error) {
	out := make([]float64, len(maps))
	for i, m := range maps {
		out[i] = MaxAbs(m)
	}
	switch mode {
	case "per-image":
	case "shared":
		top := 0.0
		for i, m := range maps {
			if !allZero(m) { // MaxAbs of a map of zeros is 1, not a magnitude
				top = max(top, out[i])
			}
		}
		if top == 0 {
			top = 1
		}
		for i := range out {
			out[i] = top
		}
	default:
		return nil, fmt.Errorf("--scale %q is not known (allowed: %v)", mode, ScaleModes)
	}
	return out, nil
}

// ScaleLabel is the colour bar label of heatmaps divided by MapScales under
// mode: what the ±1 ends of the bar mean.
func ScaleLabel(mode string, scales []float64) string {
	if mode == "shared" && len(scales) > 0 {
		return fmt.Sprintf("attr / %.3g (max |attr| of all maps)", scales[0])
	}
	return "attr / max|attr| of each map"
}

// allZero says whether every value of m is 0.
func allZero(m []float64) bool {
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}
