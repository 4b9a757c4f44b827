package data

import "fmt"

// Images is a labelled image data set held in memory as float32 pixels in
// [0,1], laid out NCHW: image i occupies Pixels[i*Dim() : (i+1)*Dim()], and
// within it channel c, row y, column x is at c*H*W + y*W + x.
type Images struct {
	Name       string    // the data set's name, e.g. "fashion-mnist" or "digits"
	N, C, H, W int       // images, channels, rows, columns
	Pixels     []float32 // N*C*H*W values in [0,1]
	Labels     []int     // N class indices in [0, Classes)
	Classes    int       // number of classes
	ClassNames []string  // Classes human-readable names
}

// Dim returns the number of values per image, C*H*W.
func (im *Images) Dim() int { return im.C * im.H * im.W }

// Image returns the pixels of image i. The slice aliases im.Pixels. It panics
// if i is out of range, like a slice index.
func (im *Images) Image(i int) []float32 {
	if i < 0 || i >= im.N {
		panic(fmt.Sprintf("data.Images.Image: image %d out of range [0,%d)", i, im.N))
	}
	d := im.Dim()
	return im.Pixels[i*d : (i+1)*d : (i+1)*d]
}

// Gather copies the pixels of images idx, in that order, into dst, which must
// hold at least len(idx)*Dim() values (a mini-batch buffer, NCHW). It panics
// if dst is too short or an index is out of range: both are programming errors.
func (im *Images) Gather(idx []int, dst []float32) {
	d := im.Dim()
	if len(dst) < len(idx)*d {
		panic(fmt.Sprintf("data.Images.Gather: dst holds %d values, %d images need %d", len(dst), len(idx), len(idx)*d))
	}
	for k, i := range idx {
		copy(dst[k*d:(k+1)*d], im.Image(i))
	}
}

// GatherLabels copies the labels of images idx, in that order, into dst,
// which must hold at least len(idx) values.
func (im *Images) GatherLabels(idx []int, dst []int) {
	if len(dst) < len(idx) {
		panic(fmt.Sprintf("data.Images.GatherLabels: dst holds %d values, need %d", len(dst), len(idx)))
	}
	for k, i := range idx {
		dst[k] = im.Labels[i]
	}
}

// Subset returns a new data set holding images idx, in that order (an index
// may repeat). Pixels and labels are copied; the result shares no memory with im.
func (im *Images) Subset(idx []int) *Images {
	out := &Images{
		Name: im.Name, N: len(idx), C: im.C, H: im.H, W: im.W,
		Pixels:     make([]float32, len(idx)*im.Dim()),
		Labels:     make([]int, len(idx)),
		Classes:    im.Classes,
		ClassNames: append([]string(nil), im.ClassNames...),
	}
	im.Gather(idx, out.Pixels)
	im.GatherLabels(idx, out.Labels)
	return out
}

// LabelCounts returns how many images each class has (a histogram of Labels).
func (im *Images) LabelCounts() []int {
	counts := make([]int, im.Classes)
	for _, l := range im.Labels {
		if l >= 0 && l < im.Classes {
			counts[l]++
		}
	}
	return counts
}
