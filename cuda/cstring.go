package cuda

import "unsafe"

// nextByte returns the address of the byte after p (for walking C strings
// that the driver owns).
func nextByte(p *byte) *byte {
	return (*byte)(unsafe.Add(unsafe.Pointer(p), 1))
}
