package cpu_test

import (
	"fmt"
	"genxai/engine/cpu"
	"testing"

	"genxai/engine"
	"genxai/engine/blas"
)

// benchBackend returns a backend on every core with OpenBLAS when it loads.
func benchBackend(b *testing.B) *cpu.Backend {
	b.Helper()
	blas.Use()
	return cpu.New(cpu.Options{})
}

// BenchmarkGemm reports GFLOP/s of square and MLP-shaped products.
func BenchmarkGemm(b *testing.B) {
	be := benchBackend(b)
	for _, s := range []engine.GemmShape{{M: 256, N: 256, K: 256, Alpha: 1}, {M: 128, N: 512, K: 784, Alpha: 1}, {TransA: true, M: 784, N: 512, K: 128, Alpha: 1}} {
		b.Run(fmt.Sprintf("%dx%dx%d_tA%v", s.M, s.N, s.K, s.TransA), func(b *testing.B) {
			la, lb, lc := s.Sizes()
			x, y, z := be.Alloc(la), be.Alloc(lb), be.Alloc(lc)
			for b.Loop() {
				be.Gemm(s, x, y, z)
			}
			b.ReportMetric(2*float64(s.M*s.N*s.K)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkKernels times a bias-add-tanh chain, a row sum, softmax, layer
// norm and an Adam update on a 128×1024 tensor.
func BenchmarkKernels(b *testing.B) {
	be := benchBackend(b)
	const rows, cols = 128, 1024
	x, y, bias, r := be.Alloc(rows*cols), be.Alloc(rows*cols), be.Alloc(cols), be.Alloc(rows)
	be.Upload(x, make([]float32, rows*cols))
	chain := engine.NewChain(engine.Full, engine.Row)
	chain.Output(chain.Unary(engine.OpTanh, chain.Binary(engine.OpAdd, 0, 1)))
	scale := be.Alloc(engine.ClipValues)
	be.Upload(scale, []float32{1, 0, 0})
	m, v := be.Alloc(rows*cols), be.Alloc(rows*cols)
	for _, k := range []struct {
		name string
		f    func()
	}{
		{"tanh(x+b)", func() { be.Elementwise(chain, rows, cols, []engine.Buffer{x, bias}, []engine.Buffer{y}) }},
		{"rowsum", func() { be.Reduce(engine.ReduceSum, x, rows, cols, 1, r) }},
		{"softmax", func() { be.Softmax(x, rows, cols, y) }},
		{"layernorm", func() { be.LayerNorm(x, bias, bias, rows, cols, 1e-5, y, r, r) }},
		{"adam", func() {
			be.Update(engine.Update{Kind: engine.Adam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Step: 1}, y, x, m, v, scale)
		}},
		{"dropout", func() { be.Random(engine.Dropout, engine.RandomKey{Seed: 1}, 0.1, 0, y) }},
	} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				k.f()
			}
			b.ReportMetric(float64(rows*cols)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}

// BenchmarkConv times Conv2D and its two gradients on the layers of the
// conditional DCGAN (configs/cgan-fashion.yaml, batch 64: the generator's
// two 3×3 convolutions after upsampling, the discriminator's two 4×4
// stride-2 ones) and the CNN classifier's (configs/cnn-fashion.yaml),
// reporting each call's share of its im2col GEMM's floating-point work.
func BenchmarkConv(b *testing.B) {
	be := benchBackend(b)
	for _, c := range []struct {
		name string
		s    engine.ConvShape
	}{
		{"gan_g1_64x14x14_3x3_to32", engine.ConvShape{N: 64, C: 64, H: 14, W: 14, KH: 3, KW: 3, Stride: 1, Pad: 1, O: 32}},
		{"gan_g2_32x28x28_3x3_to1", engine.ConvShape{N: 64, C: 32, H: 28, W: 28, KH: 3, KW: 3, Stride: 1, Pad: 1, O: 1}},
		{"gan_d1_1x28x28_4x4s2_to32", engine.ConvShape{N: 64, C: 1, H: 28, W: 28, KH: 4, KW: 4, Stride: 2, Pad: 1, O: 32}},
		{"gan_d2_32x14x14_4x4s2_to64", engine.ConvShape{N: 64, C: 32, H: 14, W: 14, KH: 4, KW: 4, Stride: 2, Pad: 1, O: 64}},
		{"cnn_1_1x28x28_3x3_to32", engine.ConvShape{N: 64, C: 1, H: 28, W: 28, KH: 3, KW: 3, Stride: 1, Pad: 1, O: 32}},
		{"cnn_2_32x14x14_3x3_to64", engine.ConvShape{N: 64, C: 32, H: 14, W: 14, KH: 3, KW: 3, Stride: 1, Pad: 1, O: 64}},
	} {
		s := c.s
		x, w, y := be.Alloc(s.N*s.C*s.H*s.W), be.Alloc(s.O*s.Rows()), be.Alloc(s.N*s.O*s.Cols())
		patches, products := be.Alloc(s.PatchLen()), be.Alloc(s.ProductsLen())
		flops := 2 * float64(s.N*s.O*s.Rows()*s.Cols())
		for _, k := range []struct {
			name string
			f    func()
		}{
			{"forward", func() { be.Conv2D(s, x, w, y, patches) }},
			{"input_grad", func() { be.Conv2DInputGrad(s, w, y, x, patches) }},
			{"weight_grad", func() { be.Conv2DWeightGrad(s, x, y, w, patches, products) }},
		} {
			b.Run(c.name+"/"+k.name, func(b *testing.B) {
				for b.Loop() {
					k.f()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
