package cpu

import (
	"fmt"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"

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
	if _, pureGo := b.blas.(gonum.Implementation); pureGo && tiles(s.M)*tiles(s.N) >= 4 {
		b.gemmTiles(s, a, lda, bm, ldb, c, ldc)
		return
	}
	b.blas.Sgemm(trans(s.TransA), trans(s.TransB), s.M, s.N, s.K, s.Alpha, a, lda, bm, ldb, s.Beta, c, ldc)
}

// gonumBlock is the tile of gonum's parallel GEMM, which starts a
// goroutine per 64×64 tile of C (allocating) once C has four of them.
const gonumBlock = 64

// tiles is the number of gonumBlock tiles along an extent.
func tiles(n int) int { return (n + gonumBlock - 1) / gonumBlock }

// gemmTiles runs a product gonum would run in parallel as gonum does it —
// per 64×64 tile of C, the products of 64-deep slices of A and B added in
// order (each one a serial gonum call, the first with the caller's beta,
// the others with 1) — but on the backend's workers, so that it allocates
// nothing and the bits are gonum's.
func (b *Backend) gemmTiles(s engine.GemmShape, a []float32, lda int, bm []float32, ldb int, c []float32, ldc int) {
	b.tile = gemmTileJob{s: s, a: a, b: bm, c: c, lda: lda, ldb: ldb, ldc: ldc, blas: b.blas, cols: tiles(s.N)}
	b.run(tiles(s.M)*tiles(s.N), gonumBlock*gonumBlock*s.K, &b.tile)
}

// gemmTileJob is one tiled product; its items are the tiles of C.
type gemmTileJob struct {
	s             engine.GemmShape
	a, b, c       []float32
	lda, ldb, ldc int
	blas          G.BLAS
	cols          int
}

func (j *gemmTileJob) do(_, lo, hi int) {
	s := j.s
	for t := lo; t < hi; t++ {
		i, jj := t/j.cols*gonumBlock, t%j.cols*gonumBlock
		m, n := min(gonumBlock, s.M-i), min(gonumBlock, s.N-jj)
		beta := s.Beta
		for k := 0; k < s.K; k += gonumBlock {
			kk := min(gonumBlock, s.K-k)
			var ao, bo int
			if s.TransA {
				ao = k*j.lda + i
			} else {
				ao = i*j.lda + k
			}
			if s.TransB {
				bo = jj*j.ldb + k
			} else {
				bo = k*j.ldb + jj
			}
			j.blas.Sgemm(trans(s.TransA), trans(s.TransB), m, n, kk, s.Alpha, j.a[ao:], j.lda, j.b[bo:], j.ldb, beta, j.c[i*j.ldc+jj:], j.ldc)
			beta = 1
		}
	}
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
