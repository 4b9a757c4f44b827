package saliency

import (
	"fmt"

	"genxai/xai/explain"
)

// Occlusion attributes by covering the image (Zeiler and Fergus,
// "Visualizing and Understanding Convolutional Networks", 2014): a size×size
// window, moved by stride over each c×h×w image (every channel covered at
// once), replaces the pixels it covers by value, and the attribution of a
// pixel is the mean drop f(x) − f(x with the window covered) over the
// windows that cover it. Windows start at 0, stride, 2·stride, … and one
// more is placed against the far edge when the last would leave pixels
// uncovered, so every pixel is covered. The attribution of a pixel is
// shared equally by its channels. The occluded copies are evaluated a
// chunk of s.Batch rows at a time.
func Occlusion(s *explain.Scorer, qs []explain.Query, c, h, w, size, stride int, value float32) ([][]float32, error) {
	if size < 1 || stride < 1 || size > h || size > w {
		return nil, fmt.Errorf("occlusion: the window must be 1..%d pixels (the image is %d×%d) and the stride at least 1; got --window %d --stride %d",
			min(h, w), h, w, size, stride)
	}
	ys, xs := windowStarts(h, size, stride), windowStarts(w, size, stride)
	nw := len(ys) * len(xs)
	scores := make([][]float64, len(qs)) // [0] f(x), [1+k] f(x with window k covered)
	for i := range scores {
		scores[i] = make([]float64, 1+nw)
	}
	err := stream(s, qs, 1+nw, func(_, k, _ int, x []float32) {
		if k == 0 {
			return
		}
		y0, x0 := ys[(k-1)/len(xs)], xs[(k-1)%len(xs)]
		for ch := 0; ch < c; ch++ {
			for y := y0; y < y0+size; y++ {
				row := x[(ch*h+y)*w:]
				for xx := x0; xx < x0+size; xx++ {
					row[xx] = value
				}
			}
		}
	}, func(i, k, _ int, score float64, _ []float32) { scores[i][k] = score })
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(qs))
	sum := make([]float64, h*w)
	count := make([]int, h*w)
	for i := range qs {
		clear(sum)
		clear(count)
		for k := 0; k < nw; k++ {
			y0, x0 := ys[k/len(xs)], xs[k%len(xs)]
			drop := scores[i][0] - scores[i][1+k]
			for y := y0; y < y0+size; y++ {
				for xx := x0; xx < x0+size; xx++ {
					sum[y*w+xx] += drop
					count[y*w+xx]++
				}
			}
		}
		out[i] = make([]float32, c*h*w)
		for p := range sum {
			for ch := 0; ch < c; ch++ {
				out[i][ch*h*w+p] = float32(sum[p] / float64(count[p]) / float64(c))
			}
		}
	}
	return out, nil
}

// windowStarts are the first rows (or columns) of the windows over n
// pixels: 0, stride, … while the window fits, and n − size when the last
// one falls short of the edge.
func windowStarts(n, size, stride int) []int {
	var starts []int
	for p := 0; p+size <= n; p += stride {
		starts = append(starts, p)
	}
	if last := starts[len(starts)-1]; last+size < n {
		starts = append(starts, n-size)
	}
	return starts
}
