package cuda

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"

	"genxai/cuda/dl"
	"genxai/internal/ccall"
)

// cublasSonames are the cuBLAS library names tried, newest first.
var cublasSonames = []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11"}

// cuBLAS constants (cublas_api.h).
const (
	cublasDefaultMath    = 0 // CUBLAS_DEFAULT_MATH
	cublasTF32TensorMath = 3 // CUBLAS_TF32_TENSOR_OP_MATH
	propMajor            = 0 // MAJOR_VERSION (libraryPropertyType)
	propMinor            = 1
	propPatch            = 2
)

// cublasStatusNames are cublasStatus_t's names.
var cublasStatusNames = map[int32]string{
	0: "CUBLAS_STATUS_SUCCESS", 1: "CUBLAS_STATUS_NOT_INITIALIZED", 3: "CUBLAS_STATUS_ALLOC_FAILED",
	7: "CUBLAS_STATUS_INVALID_VALUE", 8: "CUBLAS_STATUS_ARCH_MISMATCH", 11: "CUBLAS_STATUS_MAPPING_ERROR",
	13: "CUBLAS_STATUS_EXECUTION_FAILED", 14: "CUBLAS_STATUS_INTERNAL_ERROR", 15: "CUBLAS_STATUS_NOT_SUPPORTED",
	16: "CUBLAS_STATUS_LICENSE_ERROR",
}

// Cublas holds cuBLAS bound through purego, one Go func per C function.
//
// cublasSgemmStridedBatched takes 18 arguments and purego passes at most 15
// on amd64 (6 in registers, 9 on the stack), so it is called through
// internal/ccall's trampoline instead: SgemmStridedBatchedSym is its address,
// 0 where ccall has no trampoline (not amd64) or the library lacks it; then
// the strided batch is a loop of cublasSgemm_v2 calls.
type Cublas struct {
	// Lib is the opened libcublas.
	Lib *dl.Library

	Create      func(h *uintptr) int32
	Destroy     func(h uintptr) int32
	SetStream   func(h, s uintptr) int32
	SetMathMode func(h uintptr, mode int32) int32
	GetVersion  func(h uintptr, v *int32) int32
	GetProperty func(prop int32, v *int32) int32
	Sgemm       func(h uintptr, ta, tb int32, m, n, k int32, alpha *float32, a uint64, lda int32, b uint64, ldb int32, beta *float32, c uint64, ldc int32) int32
	// SetWorkspace is nil where the library lacks cublasSetWorkspace_v2
	// (cuBLAS before 11.0).
	SetWorkspace func(h uintptr, p uint64, bytes uintptr) int32

	SgemmStridedBatchedSym uintptr
}

var (
	cublasOnce sync.Once
	cublasLib  *Cublas
	cublasErr  error
)

// LoadCublas opens libcublas (.13, .12 or .11) and binds it, once per
// process; the error says what was tried.
func LoadCublas() (*Cublas, error) {
	cublasOnce.Do(func() { cublasLib, cublasErr = openAndBind("cuBLAS", cublasSonames, bindCublas) })
	return cublasLib, cublasErr
}

// bindCublas binds cuBLAS's functions from l.
func bindCublas(l *dl.Library) (*Cublas, error) {
	b := &Cublas{Lib: l}
	err := bindAll(l, []symbol{
		{&b.Create, "cublasCreate_v2"}, {&b.Destroy, "cublasDestroy_v2"},
		{&b.SetStream, "cublasSetStream_v2"}, {&b.SetMathMode, "cublasSetMathMode"},
		{&b.GetVersion, "cublasGetVersion_v2"}, {&b.GetProperty, "cublasGetProperty"},
		{&b.Sgemm, "cublasSgemm_v2"},
	})
	if err != nil {
		return nil, err
	}
	if _, err := purego.Dlsym(l.Handle(), "cublasSetWorkspace_v2"); err == nil {
		if err := l.Bind(&b.SetWorkspace, "cublasSetWorkspace_v2"); err != nil {
			return nil, err
		}
	}
	if ccall.Available {
		if p, err := purego.Dlsym(l.Handle(), "cublasSgemmStridedBatched"); err == nil {
			b.SgemmStridedBatchedSym = p
		}
	}
	return b, nil
}

// LibraryVersion is cuBLAS's version as "major.minor.patch", read without a
// handle (cublasGetProperty), so it works without a GPU.
func (b *Cublas) LibraryVersion() (string, error) {
	var v [3]int32
	for i, p := range []int32{propMajor, propMinor, propPatch} {
		if err := cublasCheck("cublasGetProperty", b.GetProperty(p, &v[i])); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]), nil
}

// cuBLAS statuses the fake driver returns as the real library does.
const (
	CublasStatusNotInitialized int32 = 1
	CublasStatusInvalidValue   int32 = 7
)

// CublasError is the *Error of a failed cuBLAS call with status and detail.
func CublasError(call string, status int32, detail string) *Error {
	e := cublasCheck(call, status).(*Error)
	e.Detail = detail
	return e
}

// cublasCheck turns a cublasStatus_t into nil or an *Error whose Code is
// the status value and whose Name is cuBLAS's name for it.
func cublasCheck(call string, status int32) error {
	if status == 0 {
		return nil
	}
	name, ok := cublasStatusNames[status]
	if !ok {
		name = fmt.Sprintf("cublasStatus_t(%d)", status)
	}
	return &Error{Call: call, Code: Result(status), Name: name}
}

// realBLAS is BLAS on cuBLAS, tied to the context it was created in.
type realBLAS struct {
	c   *realContext
	lib *Cublas
	h   uintptr
}

// NewBLAS loads cuBLAS and creates a handle in this context.
func (c *realContext) NewBLAS() (BLAS, error) {
	lib, err := LoadCublas()
	if err != nil {
		return nil, err
	}
	b := &realBLAS{c: c, lib: lib}
	if err := c.current(func() error { return cublasCheck("cublasCreate_v2", lib.Create(&b.h)) }); err != nil {
		return nil, err
	}
	return b, nil
}

// call runs one cuBLAS call with the handle's context current.
func (b *realBLAS) call(name string, f func() int32) error {
	return b.c.current(func() error { return cublasCheck(name, f()) })
}

func (b *realBLAS) SetStream(s Stream) error {
	return b.call("cublasSetStream_v2", func() int32 { return b.lib.SetStream(b.h, uintptr(s)) })
}

func (b *realBLAS) SetWorkspace(p DevicePtr, bytes int) error {
	if b.lib.SetWorkspace == nil {
		return nil
	}
	return b.call("cublasSetWorkspace_v2", func() int32 { return b.lib.SetWorkspace(b.h, uint64(p), uintptr(bytes)) })
}

func (b *realBLAS) SetTF32(on bool) error {
	mode := int32(cublasDefaultMath)
	if on {
		mode = cublasTF32TensorMath
	}
	return b.call("cublasSetMathMode", func() int32 { return b.lib.SetMathMode(b.h, mode) })
}

func (b *realBLAS) Sgemm(ta, tb Op, m, n, k int, alpha float32, a DevicePtr, lda int, bm DevicePtr, ldb int, beta float32, c DevicePtr, ldc int) error {
	// alpha and beta are read on the host during the call (the default
	// host pointer mode), also while capturing.
	return b.call("cublasSgemm_v2", func() int32 {
		return b.lib.Sgemm(b.h, int32(ta), int32(tb), int32(m), int32(n), int32(k), &alpha, uint64(a), int32(lda), uint64(bm), int32(ldb), &beta, uint64(c), int32(ldc))
	})
}

// SgemmStridedBatched is one cublasSgemmStridedBatched call (through
// internal/ccall: 18 arguments), or one cublasSgemm_v2 per matrix where that
// call is not bound (see Cublas); inside a captured graph the loop costs one
// node per matrix.
func (b *realBLAS) SgemmStridedBatched(ta, tb Op, m, n, k int, alpha float32, a DevicePtr, lda, strideA int, bm DevicePtr, ldb, strideB int, beta float32, c DevicePtr, ldc, strideC, batch int) error {
	if fn := b.lib.SgemmStridedBatchedSym; fn != 0 {
		return b.call("cublasSgemmStridedBatched", func() int32 {
			return sgemmStridedBatched(fn, b.h, ta, tb, m, n, k, &alpha, a, lda, strideA, bm, ldb, strideB, &beta, c, ldc, strideC, batch)
		})
	}
	for i := 0; i < batch; i++ {
		off := func(p DevicePtr, stride int) DevicePtr { return p + DevicePtr(4*i*stride) }
		if err := b.Sgemm(ta, tb, m, n, k, alpha, off(a, strideA), lda, off(bm, strideB), ldb, beta, off(c, strideC), ldc); err != nil {
			return fmt.Errorf("batch %d of %d: %w", i, batch, err)
		}
	}
	return nil
}

// sgemmStridedBatched calls cublasSgemmStridedBatched(handle, transa, transb,
// m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC,
// batchCount) at fn: ints are C int, strides long long, alpha and beta host
// pointers read during the call.
func sgemmStridedBatched(fn, h uintptr, ta, tb Op, m, n, k int, alpha *float32, a DevicePtr, lda, strideA int, bm DevicePtr, ldb, strideB int, beta *float32, c DevicePtr, ldc, strideC, batch int) int32 {
	i := func(v int) uintptr { return ccall.I32(int32(v)) }
	r, _ := ccall.Call(fn, h, i(int(ta)), i(int(tb)), i(m), i(n), i(k),
		uintptr(unsafe.Pointer(alpha)), uintptr(a), i(lda), uintptr(int64(strideA)),
		uintptr(bm), i(ldb), uintptr(int64(strideB)),
		uintptr(unsafe.Pointer(beta)), uintptr(c), i(ldc), uintptr(int64(strideC)), i(batch), 0, 0)
	return int32(r)
}

func (b *realBLAS) Version() (int, error) {
	var v int32
	err := b.call("cublasGetVersion_v2", func() int32 { return b.lib.GetVersion(b.h, &v) })
	return int(v), err
}

func (b *realBLAS) Close() error {
	return b.call("cublasDestroy_v2", func() int32 { return b.lib.Destroy(b.h) })
}
