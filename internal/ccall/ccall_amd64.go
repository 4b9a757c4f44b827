//go:build linux || freebsd

package ccall

import "unsafe"

// Available reports whether Call exists on this platform.
const Available = true

// MaxInts is the number of integer-class arguments Call passes: six in
// registers and twelve on the stack.
const MaxInts = 18

// frame is one C call: fn, up to 18 integer-class arguments in the order the
// C prototype lists them (pointers included), up to two floating-point
// arguments in that order, and the two possible results. ccall_amd64.s reads
// and writes its fields through go_asm.h offsets.
type frame struct {
	fn                                               uintptr
	i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11 uintptr
	i12, i13, i14, i15, i16, i17                     uintptr
	f0, f1                                           uint64  // float32 in the low 32 bits, or float64
	r                                                uintptr // RAX after the call
	rf                                               uint64  // XMM0 after the call
}

// trampolineAddr returns the address of cTrampoline, a C-ABI function that
// takes a *frame in DI, makes the call it describes and stores the results
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

// Call calls the C function fn with integer-class arguments i0…i17 and
// floating-point arguments f0, f1 and returns RAX and XMM0. Arguments the C
// function does not take are ignored by it (the caller owns the stack in the
// C convention), so pass 0 for them. Pointers are passed as
// uintptr(unsafe.Pointer(p)) directly in the call expression; go:uintptrescapes
// then keeps their targets on the heap and alive until Call returns, as for
// syscall.Syscall.
//
//go:uintptrescapes
func Call(fn, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17 uintptr, f0, f1 uint64) (uintptr, uint64) {
	a := frame{fn: fn, i0: i0, i1: i1, i2: i2, i3: i3, i4: i4, i5: i5, i6: i6,
		i7: i7, i8: i8, i9: i9, i10: i10, i11: i11, i12: i12, i13: i13, i14: i14,
		i15: i15, i16: i16, i17: i17, f0: f0, f1: f1}
	cgocall(trampoline, unsafe.Pointer(&a))
	return a.r, a.rf
}
