// Package cudatest is the conformance suite of genxai's CUDA function table:
// the same tests run on the fake driver (cuda/fakecuda, every CI run) and on
// the real driver (GENXAI_GPU=1 on a machine with a GPU, scripts/gpu-check.sh),
// so the fake is checked against what the real driver does.
package cudatest

import (
	"genxai/cuda"
	"genxai/cuda/fakecuda"
)

// ScalePTX is a hand-written PTX module with one kernel,
// scale(float *y, const float *x, float a, unsigned n): y[i] = a·x[i] for
// i < n, one thread per element. PTX ISA 7.0 for sm_52 is JIT-compiled by
// any driver from CUDA 11 on.
const ScalePTX = `.version 7.0
.target sm_52
.address_size 64

.visible .entry scale(
	.param .u64 scale_y,
	.param .u64 scale_x,
	.param .f32 scale_a,
	.param .u32 scale_n
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<6>;
	.reg .f32 	%f<4>;
	.reg .b64 	%rd<8>;

	ld.param.u64 	%rd1, [scale_y];
	ld.param.u64 	%rd2, [scale_x];
	ld.param.f32 	%f1, [scale_a];
	ld.param.u32 	%r1, [scale_n];
	mov.u32 	%r2, %ctaid.x;
	mov.u32 	%r3, %ntid.x;
	mov.u32 	%r4, %tid.x;
	mad.lo.s32 	%r5, %r2, %r3, %r4;
	setp.ge.u32 	%p1, %r5, %r1;
	@%p1 bra 	DONE;
	cvta.to.global.u64 	%rd3, %rd2;
	cvta.to.global.u64 	%rd4, %rd1;
	mul.wide.u32 	%rd5, %r5, 4;
	add.s64 	%rd6, %rd3, %rd5;
	ld.global.f32 	%f2, [%rd6];
	mul.f32 	%f3, %f2, %f1;
	add.s64 	%rd7, %rd4, %rd5;
	st.global.f32 	[%rd7], %f3;
DONE:
	ret;
}
`

// Scale is scale's body for the fake driver: the whole grid's work, with
// the same bounds guard as the PTX and elements past the grid left alone.
func Scale(l *fakecuda.Launch) error {
	y, x, a, n := l.Ptr(0), l.Ptr(1), l.Float32(2), int(l.Uint32(3))
	n = min(n, int(l.Grid.X)*int(l.Block.X)) // threads past the grid do nothing
	ys, xs := l.Float32s(y, n), l.Float32s(x, n)
	for i := range ys {
		ys[i] = a * xs[i]
	}
	return nil
}

// Fake returns a fake H200-class context with scale registered.
func Fake() *fakecuda.Fake {
	f := fakecuda.New(cuda.Hopper())
	f.Register("scale", 0, Scale)
	return f
}
