//go:build !amd64 || !(linux || freebsd)

package ccall

// Available reports whether Call exists on this platform: only amd64 on
// Linux and FreeBSD has the trampoline; callers keep purego bindings here.
const Available = false

// MaxInts is the number of integer-class arguments Call would pass.
const MaxInts = 18

// Call is not available on this platform (see Available); it panics.
func Call(fn, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17 uintptr, f0, f1 uint64) (uintptr, uint64) {
	panic("ccall.Call: no trampoline on this platform (ccall.Available is false)")
}
