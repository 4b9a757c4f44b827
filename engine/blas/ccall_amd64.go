//go:build linux || freebsd

package blas

import (
	"math"
	"unsafe"

	"github.com/ebitengine/purego"

	"genxai/internal/ccall"
)

// This file calls OpenBLAS without allocating on the Go heap: the hot-path
// routines are called through internal/ccall's trampoline instead of
// purego's reflect-built RegisterFunc calls (about 13 allocations per
// cblas_sgemm), which ccall_other.go keeps for other platforms.

// callC calls the C function fn with integer-class arguments i0…i11 and
// floating-point arguments f0, f1 (ccall.Call with the six last integer
// slots unused). go:uintptrescapes keeps the targets of pointers passed as
// uintptr alive until the call returns.
//
//go:uintptrescapes
func callC(fn, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11 uintptr, f0, f1 uint64) (uintptr, uint64) {
	return ccall.Call(fn, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, 0, 0, 0, 0, 0, 0, f0, f1)
}

// i32 widens a C int argument to a register (sign-extended, as C does).
func i32(v int32) uintptr { return ccall.I32(v) }

func f32(v float32) uint64 { return ccall.F32(v) }

// bindHot binds the hot-path CBLAS routines to direct calls through
// ccall.Call; it panics, as purego.RegisterLibFunc does, when a symbol is
// missing.
func bindHot(handle uintptr) {
	sym := func(name string) uintptr {
		p, err := purego.Dlsym(handle, name)
		if err != nil {
			panic(err)
		}
		return p
	}
	sgemm, dgemm := sym("cblas_sgemm"), sym("cblas_dgemm")
	sgemv, dgemv := sym("cblas_sgemv"), sym("cblas_dgemv")
	sdot, ddot := sym("cblas_sdot"), sym("cblas_ddot")
	saxpy, daxpy := sym("cblas_saxpy"), sym("cblas_daxpy")
	threads := sym("openblas_set_num_threads")
	setThreadsHot = func(n int32) {
		callC(threads, i32(n), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	}
	cblasSgemm = func(order, tA, tB, m, n, k int32, alpha float32, a *float32, lda int32, b *float32, ldb int32, beta float32, c *float32, ldc int32) {
		callC(sgemm, i32(order), i32(tA), i32(tB), i32(m), i32(n), i32(k),
			uintptr(unsafe.Pointer(a)), i32(lda), uintptr(unsafe.Pointer(b)), i32(ldb), uintptr(unsafe.Pointer(c)), i32(ldc),
			f32(alpha), f32(beta))
	}
	cblasDgemm = func(order, tA, tB, m, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32) {
		callC(dgemm, i32(order), i32(tA), i32(tB), i32(m), i32(n), i32(k),
			uintptr(unsafe.Pointer(a)), i32(lda), uintptr(unsafe.Pointer(b)), i32(ldb), uintptr(unsafe.Pointer(c)), i32(ldc),
			math.Float64bits(alpha), math.Float64bits(beta))
	}
	cblasSgemv = func(order, tA, m, n int32, alpha float32, a *float32, lda int32, x *float32, incX int32, beta float32, y *float32, incY int32) {
		callC(sgemv, i32(order), i32(tA), i32(m), i32(n), uintptr(unsafe.Pointer(a)), i32(lda),
			uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0,
			f32(alpha), f32(beta))
	}
	cblasDgemv = func(order, tA, m, n int32, alpha float64, a *float64, lda int32, x *float64, incX int32, beta float64, y *float64, incY int32) {
		callC(dgemv, i32(order), i32(tA), i32(m), i32(n), uintptr(unsafe.Pointer(a)), i32(lda),
			uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0,
			math.Float64bits(alpha), math.Float64bits(beta))
	}
	cblasSdot = func(n int32, x *float32, incX int32, y *float32, incY int32) float32 {
		_, r := callC(sdot, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, 0, 0)
		return math.Float32frombits(uint32(r))
	}
	cblasDdot = func(n int32, x *float64, incX int32, y *float64, incY int32) float64 {
		_, r := callC(ddot, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, 0, 0)
		return math.Float64frombits(r)
	}
	cblasSaxpy = func(n int32, alpha float32, x *float32, incX int32, y *float32, incY int32) {
		callC(saxpy, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, f32(alpha), 0)
	}
	cblasDaxpy = func(n int32, alpha float64, x *float64, incX int32, y *float64, incY int32) {
		callC(daxpy, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, math.Float64bits(alpha), 0)
	}
}
