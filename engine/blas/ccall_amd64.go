//go:build linux || freebsd

package blas

import (
	"math"
	"unsafe"

	"github.com/ebitengine/purego"
)

// This file calls OpenBLAS without allocating on the Go heap. purego's
// RegisterFunc binding builds each call's argument frame with reflect
// (about 13 allocations per cblas_sgemm), and purego.SyscallN cannot pass
// alpha and beta: it copies the first eight integer arguments into the
// float registers instead. So the hot-path routines are called through
// cTrampoline (ccall_amd64.s), which loads the System V AMD64 argument
// registers from a cArgs record and calls the C function. runtime.cgocall
// runs it on the system stack, exactly as purego does for its own calls,
// so the C code, its stack and the scheduler see the same call as before.

// cArgs is one C call: fn and up to twelve integer-class arguments, in the
// order the C prototype lists them (pointers included), up to two
// floating-point arguments in that order, and the two possible results.
// ccall_amd64.s reads and writes its fields through go_asm.h offsets.
type cArgs struct {
	fn                                               uintptr
	i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11 uintptr
	f0, f1                                           uint64  // float32 in the low 32 bits, or float64
	r                                                uintptr // RAX after the call
	rf                                               uint64  // XMM0 after the call
}

// trampolineAddr returns the address of cTrampoline, a C-ABI function that
// takes a *cArgs in DI, makes the call it describes and stores the results
// back (ccall_amd64.s).
func trampolineAddr() uintptr

// cgocall is the runtime's cgo entry (the one purego itself uses): it
// switches to the system stack and calls fn(arg) with the C convention.
// arg does not escape: cTrampoline only reads and writes it during the call.
//
//go:linkname cgocall runtime.cgocall
//go:noescape
func cgocall(fn uintptr, arg unsafe.Pointer) int32

var trampoline = trampolineAddr()

// ccall calls the C function fn with integer-class arguments i0…i11 and
// floating-point arguments f0, f1 (unused ones are ignored by the callee)
// and returns RAX and XMM0. Pointers are passed as uintptr(unsafe.Pointer(p))
// directly in the call; go:uintptrescapes then keeps their targets on the
// heap and alive until ccall returns, as for syscall.Syscall.
//
//go:uintptrescapes
func ccall(fn, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11 uintptr, f0, f1 uint64) (uintptr, uint64) {
	a := cArgs{fn: fn, i0: i0, i1: i1, i2: i2, i3: i3, i4: i4, i5: i5, i6: i6,
		i7: i7, i8: i8, i9: i9, i10: i10, i11: i11, f0: f0, f1: f1}
	cgocall(trampoline, unsafe.Pointer(&a))
	return a.r, a.rf
}

// i32 widens a C int argument to a register (sign-extended, as C does).
func i32(v int32) uintptr { return uintptr(int64(v)) }

func f32(v float32) uint64 { return uint64(math.Float32bits(v)) }

// bindHot binds the hot-path CBLAS routines to direct calls through
// cTrampoline; it panics, as purego.RegisterLibFunc does, when a symbol is
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
	cblasSgemm = func(order, tA, tB, m, n, k int32, alpha float32, a *float32, lda int32, b *float32, ldb int32, beta float32, c *float32, ldc int32) {
		ccall(sgemm, i32(order), i32(tA), i32(tB), i32(m), i32(n), i32(k),
			uintptr(unsafe.Pointer(a)), i32(lda), uintptr(unsafe.Pointer(b)), i32(ldb), uintptr(unsafe.Pointer(c)), i32(ldc),
			f32(alpha), f32(beta))
	}
	cblasDgemm = func(order, tA, tB, m, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32) {
		ccall(dgemm, i32(order), i32(tA), i32(tB), i32(m), i32(n), i32(k),
			uintptr(unsafe.Pointer(a)), i32(lda), uintptr(unsafe.Pointer(b)), i32(ldb), uintptr(unsafe.Pointer(c)), i32(ldc),
			math.Float64bits(alpha), math.Float64bits(beta))
	}
	cblasSgemv = func(order, tA, m, n int32, alpha float32, a *float32, lda int32, x *float32, incX int32, beta float32, y *float32, incY int32) {
		ccall(sgemv, i32(order), i32(tA), i32(m), i32(n), uintptr(unsafe.Pointer(a)), i32(lda),
			uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0,
			f32(alpha), f32(beta))
	}
	cblasDgemv = func(order, tA, m, n int32, alpha float64, a *float64, lda int32, x *float64, incX int32, beta float64, y *float64, incY int32) {
		ccall(dgemv, i32(order), i32(tA), i32(m), i32(n), uintptr(unsafe.Pointer(a)), i32(lda),
			uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0,
			math.Float64bits(alpha), math.Float64bits(beta))
	}
	cblasSdot = func(n int32, x *float32, incX int32, y *float32, incY int32) float32 {
		_, r := ccall(sdot, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, 0, 0)
		return math.Float32frombits(uint32(r))
	}
	cblasDdot = func(n int32, x *float64, incX int32, y *float64, incY int32) float64 {
		_, r := ccall(ddot, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, 0, 0)
		return math.Float64frombits(r)
	}
	cblasSaxpy = func(n int32, alpha float32, x *float32, incX int32, y *float32, incY int32) {
		ccall(saxpy, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, f32(alpha), 0)
	}
	cblasDaxpy = func(n int32, alpha float64, x *float64, incX int32, y *float64, incY int32) {
		ccall(daxpy, i32(n), uintptr(unsafe.Pointer(x)), i32(incX), uintptr(unsafe.Pointer(y)), i32(incY), 0, 0, 0, 0, 0, 0, 0, math.Float64bits(alpha), 0)
	}
}
