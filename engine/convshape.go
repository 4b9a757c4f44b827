package engine

import "fmt"

// ConvShape is the geometry of a 2-D convolution (cross-correlation) over
// NCHW input: N images of C channels of H×W, a KH×KW kernel, the same
// stride on both axes, symmetric zero padding and no dilation. Its patch
// matrix per image is Rows() × Cols(), the im2col layout of Chellapilla,
// Puri and Simard ("High Performance Convolutional Neural Networks for
// Document Processing", 2006) as Caffe arranges it, so that
// W (O × Rows) · cols[n] is the NCHW output of image n.
//
// O, the number of output channels (weights [O, C, KH, KW]), is read by the
// convolution kernels only (Backend.Conv2D and its gradients); the patch
// kernels of one image leave it alone.
type ConvShape struct {
	N, C, H, W  int
	KH, KW      int
	Stride, Pad int
	O           int
}

// OH is the output height, (H + 2·pad − KH)/stride + 1.
func (s ConvShape) OH() int { return (s.H+2*s.Pad-s.KH)/s.Stride + 1 }

// OW is the output width, (W + 2·pad − KW)/stride + 1.
func (s ConvShape) OW() int { return (s.W+2*s.Pad-s.KW)/s.Stride + 1 }

// Rows is the number of patch rows, C·KH·KW.
func (s ConvShape) Rows() int { return s.C * s.KH * s.KW }

// Cols is the number of patch columns, OH·OW.
func (s ConvShape) Cols() int { return s.OH() * s.OW() }

// Direct reports whether an image is its own patch matrix (a 1×1 kernel,
// stride 1, no padding), so no patches need be built.
func (s ConvShape) Direct() bool { return s.KH == 1 && s.KW == 1 && s.Stride == 1 && s.Pad == 0 }

// PatchLen is the length of the whole batch's patch matrices,
// N·Rows·Cols values, or 0 for a direct convolution, which needs none:
// the patches scratch of a backend that builds them all at once (CUDA).
func (s ConvShape) PatchLen() int {
	if s.Direct() {
		return 0
	}
	return s.N * s.Rows() * s.Cols()
}

// ProductsLen is the length of one O × Rows weight gradient per image,
// N·O·Rows values: the products scratch of a backend that computes them
// all at once and sums them over the batch (CUDA).
func (s ConvShape) ProductsLen() int { return s.N * s.O * s.Rows() }

// CheckConv is Check for the convolution kernels, which also need at
// least one output channel.
func (s ConvShape) CheckConv() error {
	if s.O < 1 {
		return fmt.Errorf("convolution with %d output channels: it needs at least 1", s.O)
	}
	return s.Check()
}

// Check returns an error naming the first extent that makes no
// convolution: a stride below 1, negative padding, an empty extent or a
// kernel larger than the padded input.
func (s ConvShape) Check() error {
	switch {
	case s.Stride < 1:
		return fmt.Errorf("convolution stride must be at least 1, got %d", s.Stride)
	case s.Pad < 0:
		return fmt.Errorf("convolution padding must not be negative, got %d", s.Pad)
	case s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.KH < 1 || s.KW < 1:
		return fmt.Errorf("convolution of %d×%d×%d×%d input by a %d×%d kernel: every extent must be at least 1", s.N, s.C, s.H, s.W, s.KH, s.KW)
	case s.KH > s.H+2*s.Pad || s.KW > s.W+2*s.Pad:
		return fmt.Errorf("convolution kernel %d×%d is larger than the input %d×%d padded by %d: pad more or use a smaller kernel",
			s.KH, s.KW, s.H, s.W, s.Pad)
	}
	return nil
}

// FLOPs is the floating-point operations of the convolution's product, or
// of either of its gradients (each is one product of the same three sizes):
// 2·N·O·C·KH·KW·OH·OW.
func (s ConvShape) FLOPs() float64 {
	return 2 * float64(s.N) * float64(s.O) * float64(s.Rows()) * float64(s.Cols())
}
