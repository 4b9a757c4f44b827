package data

import (
	"encoding/binary"
	"fmt"
	"io"
)

// IDXWriter streams an IDX file of unsigned bytes (LeCun et al., the MNIST
// format; read back by ReadIDXImages and ReadIDXLabels): a big-endian header
// with the magic number 0x000008NN (NN the number of dimensions) and the
// dimensions, then the values row-major. The header is written first, so
// the count must be known in advance; Write then takes the values in as
// many pieces as the caller likes, and Close checks that exactly the
// declared number arrived.
type IDXWriter struct{ sizedWriter }

// NewIDXWriter writes the header of an IDX file of unsigned bytes with the
// given dimensions to w: one dimension (a count) for a label file (magic
// 0x00000801), three (count, rows, columns) for an image file (0x00000803).
func NewIDXWriter(w io.Writer, dims ...int) (*IDXWriter, error) {
	if len(dims) != 1 && len(dims) != 3 {
		return nil, fmt.Errorf("IDX writer: %d dimensions given; an IDX label file has 1 (count), an image file 3 (count, rows, columns)", len(dims))
	}
	head := make([]byte, 4+4*len(dims))
	binary.BigEndian.PutUint32(head, uint32(idxTypeUbyte)<<8|uint32(len(dims)))
	size := int64(1)
	for i, d := range dims {
		if d < 1 || int64(d) > 1<<32-1 || (i > 0 && d > idxMaxSide) {
			return nil, fmt.Errorf("IDX writer: dimension %d is %d; counts must be 1 to 2³²−1 and image sides 1 to %d", i, d, idxMaxSide)
		}
		binary.BigEndian.PutUint32(head[4+4*i:], uint32(d))
		size *= int64(d)
	}
	if _, err := w.Write(head); err != nil {
		return nil, fmt.Errorf("IDX writer: writing the header: %w", err)
	}
	return &IDXWriter{sizedWriter{w: w, name: "IDX", want: size, valueBytes: 1}}, nil
}

// Write appends values.
func (x *IDXWriter) Write(values []uint8) error { return x.write(values) }

// UnitToByte maps a value in [0, 1] to the byte round(255·v), clamping
// values outside the range: the inverse of the reader's byte/255.
func UnitToByte(v float32) uint8 {
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= 1:
		return 255
	}
	return uint8(v*255 + 0.5)
}
