package cpu

import (
	"fmt"

	gblas "gonum.org/v1/gonum/blas"

	"genxai/engine"
)

func trans(t bool) gblas.Transpose {
	if t {
		return gblas.Trans
	}
	return gblas.NoTrans
}

// leading returns the row-major leading dimensions of A, B and C.
func leading(s engine.GemmShape) (lda, ldb, ldc int) {
	lda, ldb = s.K, s.N
	if s.TransA {
		lda = s.M
	}
	if s.TransB {
		ldb = s.K
	}
	return max(lda, 1), max(ldb, 1), max(s.N, 1)
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C through the BLAS.
func (b *Backend) Gemm(s engine.GemmShape, a, bm, c engine.Buffer) {
	la, lb, lc := s.Sizes()
	b.gemm(s, data("Gemm A", a, la), data("Gemm B", bm, lb), data("Gemm C", c, lc))
}

func (b *Backend) gemm(s engine.GemmShape, a, bm, c []float32) {
	if s.M == 0 || s.N == 0 {
		return
	}
	if s.K == 0 {
		// BLAS leaves C alone for k = 0; the product is empty, so C = beta·C.
		for i := range c {
			c[i] = zeroBeta(s.Beta, c[i])
		}
		return
	}
	lda, ldb, ldc := leading(s)
	b.blas.Sgemm(trans(s.TransA), trans(s.TransB), s.M, s.N, s.K, s.Alpha, a, lda, bm, ldb, s.Beta, c, ldc)
}

func zeroBeta(beta, c float32) float32 {
	if beta == 0 {
		return 0
	}
	return beta * c
}

// GemmBatched runs batch products one after the other, each through the BLAS
// (which uses its own threads).
func (b *Backend) GemmBatched(s engine.GemmShape, batch int, a engine.Buffer, strideA int, bm engine.Buffer, strideB int, c engine.Buffer, strideC int) {
	la, lb, lc := s.Sizes()
	ad, bd, cd := Data(a), Data(bm), Data(c)
	for _, x := range []struct {
		name         string
		n, size, str int
	}{{"A", len(ad), la, strideA}, {"B", len(bd), lb, strideB}, {"C", len(cd), lc, strideC}} {
		if batch > 0 && (x.str < 0 || (batch-1)*x.str+x.size > x.n) {
			panic(fmt.Sprintf("cpu: GemmBatched: %s holds %d values, %d products of %d at stride %d need %d",
				x.name, x.n, batch, x.size, x.str, (batch-1)*x.str+x.size))
		}
	}
	if strideC < lc && batch > 1 {
		panic(fmt.Sprintf("cpu: GemmBatched: C's stride %d is less than its %d values: the products would overlap", strideC, lc))
	}
	for i := 0; i < batch; i++ {
		b.gemm(s, ad[i*strideA:i*strideA+la], bd[i*strideB:i*strideB+lb], cd[i*strideC:i*strideC+lc])
	}
}
