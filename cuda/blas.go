package cuda

import "fmt"

// Op says whether a GEMM operand is used as stored or transposed; its values
// are cuBLAS's (CUBLAS_OP_N, CUBLAS_OP_T).
type Op int32

// The two operand modes.
const (
	NoTrans Op = 0
	Trans   Op = 1
)

// OpFor maps a transpose flag to an Op.
func OpFor(transposed bool) Op {
	if transposed {
		return Trans
	}
	return NoTrans
}

// BLAS is the dense linear algebra of the function table: single-precision
// GEMM in cuBLAS's own column-major convention (the real driver calls
// cuBLAS, the fake a plain Go GEMM). Work goes on the stream set with
// SetStream (a new handle uses the default stream until then, so set one).
// Row-major callers use MatMul and MatMulStridedBatched.
type BLAS interface {
	// SetStream routes later calls to s (cublasSetStream_v2).
	SetStream(s Stream) error
	// SetWorkspace gives the handle bytes of device memory at p as its
	// workspace (cublasSetWorkspace_v2), so that the calls a CUDA graph
	// captures allocate nothing (before CUDA 12.2 cuBLAS allocated a new
	// workspace for every capture). SetStream resets it: call it after.
	// A cuBLAS without the call keeps its own pool (no error).
	SetWorkspace(p DevicePtr, bytes int) error
	// SetTF32 allows TF32 tensor cores for float32 GEMM (cublasSetMathMode
	// CUBLAS_TF32_TENSOR_OP_MATH) or forbids them (CUBLAS_DEFAULT_MATH).
	SetTF32(on bool) error
	// Sgemm computes C = alpha·op(A)·op(B) + beta·C with column-major
	// m×k op(A), k×n op(B) and m×n C (cublasSgemm_v2).
	Sgemm(ta, tb Op, m, n, k int, alpha float32, a DevicePtr, lda int, b DevicePtr, ldb int, beta float32, c DevicePtr, ldc int) error
	// SgemmStridedBatched does batch Sgemms, operand i at base + i·stride
	// elements (the contract of cublasSgemmStridedBatched).
	SgemmStridedBatched(ta, tb Op, m, n, k int, alpha float32, a DevicePtr, lda, strideA int, b DevicePtr, ldb, strideB int, beta float32, c DevicePtr, ldc, strideC, batch int) error
	// Version is the cuBLAS version, e.g. 120400 (cublasGetVersion_v2).
	Version() (int, error)
	// Close destroys the handle (cublasDestroy_v2).
	Close() error
}

// colMajor is one column-major GEMM call's shape, what MatMul hands BLAS.
type colMajor struct {
	ta, tb        Op
	m, n, k       int
	lda, ldb, ldc int
}

// rowMajorToColMajor maps the row-major product C = op(A)·op(B) (C m×n,
// op(A) m×k, op(B) k×n, each matrix stored densely in rows) onto cuBLAS's
// column-major GEMM: a row-major matrix read column-major is its transpose,
// so the call computes Cᵀ = op(B)ᵀ·op(A)ᵀ, with B first, n and m exchanged,
// and each leading dimension the stored row length.
func rowMajorToColMajor(transA, transB bool, m, n, k int) colMajor {
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	return colMajor{ta: OpFor(transB), tb: OpFor(transA), m: n, n: m, k: k, lda: ldb, ldb: lda, ldc: n}
}

// MatMul computes the row-major C = alpha·op(A)·op(B) + beta·C on bl, C m×n,
// op(A) m×k (A stored m×k, or k×m when transA), op(B) k×n (B stored k×n,
// or n×k when transB), all dense.
func MatMul(bl BLAS, transA, transB bool, m, n, k int, alpha float32, a, b DevicePtr, beta float32, c DevicePtr) error {
	if err := gemmShape(m, n, k, 1); err != nil {
		return err
	}
	g := rowMajorToColMajor(transA, transB, m, n, k)
	return bl.Sgemm(g.ta, g.tb, g.m, g.n, g.k, alpha, b, g.lda, a, g.ldb, beta, c, g.ldc)
}

// MatMulStridedBatched is MatMul over batch matrices, the i-th of each
// operand at its base + i·stride elements.
func MatMulStridedBatched(bl BLAS, transA, transB bool, m, n, k int, alpha float32, a DevicePtr, strideA int, b DevicePtr, strideB int, beta float32, c DevicePtr, strideC, batch int) error {
	if err := gemmShape(m, n, k, batch); err != nil {
		return err
	}
	g := rowMajorToColMajor(transA, transB, m, n, k)
	return bl.SgemmStridedBatched(g.ta, g.tb, g.m, g.n, g.k, alpha, b, g.lda, strideB, a, g.ldb, strideA, beta, c, g.ldc, strideC, batch)
}

func gemmShape(m, n, k, batch int) error {
	if m <= 0 || n <= 0 || k <= 0 || batch <= 0 {
		return fmt.Errorf("GEMM shape m=%d n=%d k=%d batch=%d: every dimension must be positive", m, n, k, batch)
	}
	return nil
}

// GemmExtent is how many elements past its base a column-major operand
// of rows×cols (as stored, before op) with leading dimension ld spans; the
// fake driver bounds-checks GEMM operands with it.
func GemmExtent(rows, cols, ld int) int { return (cols-1)*ld + rows }

// StoredShape is the stored rows×cols of a column-major GEMM operand that
// op turns into rows×cols: the transpose when op is Trans.
func StoredShape(op Op, rows, cols int) (int, int) {
	if op == Trans {
		return cols, rows
	}
	return rows, cols
}

// SgemmRef is a plain Go column-major SGEMM with cuBLAS's contract: C =
// alpha·op(A)·op(B) + beta·C, C m×n with leading dimension ldc. It is the
// fake driver's GEMM and the reference the real cuBLAS is tested against.
// With beta = 0, C is not read (NaNs in it do not propagate), as in BLAS.
func SgemmRef(ta, tb Op, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	at := func(i, l int) float32 { // op(A)[i,l]
		if ta == Trans {
			return a[l+i*lda]
		}
		return a[i+l*lda]
	}
	bt := func(l, j int) float32 { // op(B)[l,j]
		if tb == Trans {
			return b[j+l*ldb]
		}
		return b[l+j*ldb]
	}
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			var s float32
			for l := 0; l < k; l++ {
				s += at(i, l) * bt(l, j)
			}
			if beta == 0 {
				c[i+j*ldc] = alpha * s
			} else {
				c[i+j*ldc] = alpha*s + beta*c[i+j*ldc]
			}
		}
	}
}
