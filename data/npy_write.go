package data

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// NPY dtypes NPYWriter writes: little-endian float32 and unsigned bytes.
const (
	NPYFloat32 = "<f4"
	NPYUint8   = "|u1"
)

// npyMagic opens every NPY file: \x93NUMPY, then the format version 1.0.
const npyMagic = "\x93NUMPY\x01\x00"

// NPYWriter streams a NumPy .npy array file, format version 1.0 (NumPy
// Enhancement Proposal 1, "A Simple File Format for NumPy Arrays"): the
// magic string, a little-endian uint16 header length, and a Python dict
// literal {'descr', 'fortran_order': False, 'shape'} padded with spaces and
// a newline so that the data starts on a 64-byte boundary, then the values
// in C order. The shape is written first, so it must be known in advance;
// Close checks that exactly that many values were written.
type NPYWriter struct {
	sizedWriter
	dtype string
	buf   []byte
}

// NewNPYWriter writes the header of an array of dtype (NPYFloat32 or
// NPYUint8) and shape to w.
func NewNPYWriter(w io.Writer, dtype string, shape ...int) (*NPYWriter, error) {
	var elem int64
	switch dtype {
	case NPYFloat32:
		elem = 4
	case NPYUint8:
		elem = 1
	default:
		return nil, fmt.Errorf("NPY writer: dtype %q is not supported; use %q (float32) or %q (uint8)", dtype, NPYFloat32, NPYUint8)
	}
	if len(shape) == 0 {
		return nil, fmt.Errorf("NPY writer: no shape given; an array needs at least one dimension")
	}
	size := elem
	dims := make([]string, len(shape))
	for i, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("NPY writer: dimension %d is %d; dimensions cannot be negative", i, d)
		}
		dims[i] = strconv.Itoa(d)
		size *= int64(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", dtype, tuple)
	total := len(npyMagic) + 2 + len(dict) + 1
	pad := (64 - total%64) % 64
	header := dict + strings.Repeat(" ", pad) + "\n"
	if len(header) > math.MaxUint16 {
		return nil, fmt.Errorf("NPY writer: a header of %d bytes does not fit format 1.0", len(header))
	}
	out := make([]byte, 0, len(npyMagic)+2+len(header))
	out = append(out, npyMagic...)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	out = append(out, header...)
	if _, err := w.Write(out); err != nil {
		return nil, fmt.Errorf("NPY writer: writing the header: %w", err)
	}
	return &NPYWriter{sizedWriter: sizedWriter{w: w, name: "NPY", want: size, valueBytes: elem}, dtype: dtype}, nil
}

// WriteFloat32 appends float32 values (an array of dtype NPYFloat32).
func (n *NPYWriter) WriteFloat32(values []float32) error {
	if n.dtype != NPYFloat32 {
		return fmt.Errorf("NPY writer: float32 values given for an array of dtype %s", n.dtype)
	}
	n.buf = n.buf[:0]
	for _, v := range values {
		n.buf = binary.LittleEndian.AppendUint32(n.buf, math.Float32bits(v))
	}
	return n.write(n.buf)
}

// WriteUint8 appends bytes (an array of dtype NPYUint8).
func (n *NPYWriter) WriteUint8(values []uint8) error {
	if n.dtype != NPYUint8 {
		return fmt.Errorf("NPY writer: uint8 values given for an array of dtype %s", n.dtype)
	}
	return n.write(values)
}
