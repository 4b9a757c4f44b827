package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
)

// IDX magic numbers: two zero bytes, the type byte 0x08 (unsigned byte) and
// the number of dimensions.
const (
	idxImagesMagic = 0x00000803 // unsigned bytes, 3 dimensions: count, rows, columns
	idxLabelsMagic = 0x00000801 // unsigned bytes, 1 dimension: count
	idxTypeUbyte   = 0x08
	idxMaxSide     = 1 << 16 // larger image sides are taken for a damaged header
	mnistClasses   = 10
)

// idxTypeNames names the value types the IDX format defines, for messages.
var idxTypeNames = map[byte]string{
	0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16",
	0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
}

// ReadIDXImages reads an IDX image file (magic 0x00000803), gzip'd or raw:
// gzip is recognised by its magic bytes 1f 8b, whatever the file's name. It
// returns the image count, rows and columns, and the n*h*w pixels row-major.
// Errors name the file and what is wrong: a bad magic number, implausible
// dimensions, fewer or more pixel bytes than the header declares, or a damaged
// gzip stream.
func ReadIDXImages(path string) (n, h, w int, pixels []uint8, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, 0, nil, fmt.Errorf("reading IDX images: %w", err)
	}
	defer f.Close()
	return DecodeIDXImages(f, path)
}

// ReadIDXLabels reads an IDX label file (magic 0x00000801), gzip'd or raw,
// of an MNIST-family data set: every label must be below 10. See
// DecodeIDXLabels for other class counts.
func ReadIDXLabels(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading IDX labels: %w", err)
	}
	defer f.Close()
	return DecodeIDXLabels(f, path, mnistClasses)
}

// DecodeIDXImages is ReadIDXImages on a stream; name identifies it in errors.
func DecodeIDXImages(r io.Reader, name string) (n, h, w int, pixels []uint8, err error) {
	zr, err := maybeGunzip(r, name)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	dims, err := readIDXHeader(zr, name, idxImagesMagic, "image")
	if err != nil {
		return 0, 0, 0, nil, err
	}
	n, h, w = int(dims[0]), int(dims[1]), int(dims[2])
	if n == 0 {
		return 0, 0, 0, nil, fmt.Errorf("reading %s: header declares 0 images; an image file needs at least one", name)
	}
	if h == 0 || w == 0 || h > idxMaxSide || w > idxMaxSide {
		return 0, 0, 0, nil, fmt.Errorf("reading %s: header declares %d images of %d×%d; each side must be between 1 and %d — the header is damaged", name, n, h, w, idxMaxSide)
	}
	hi, size := bits.Mul64(uint64(n), uint64(h*w))
	if hi != 0 || size > math.MaxInt-1 {
		return 0, 0, 0, nil, fmt.Errorf("reading %s: header declares %d images of %d×%d, too many bytes to address — the header is damaged", name, n, h, w)
	}
	what := func() string { return fmt.Sprintf("header says %d images of %d×%d", n, h, w) }
	pixels, err = readIDXPayload(zr, name, int(size), what, "pixels")
	if err != nil {
		return 0, 0, 0, nil, err
	}
	return n, h, w, pixels, nil
}

// DecodeIDXLabels reads an IDX label file from r (gzip'd or raw); name
// identifies it in errors. Every label must be below classes; classes <= 0
// accepts all 256 byte values.
func DecodeIDXLabels(r io.Reader, name string, classes int) ([]uint8, error) {
	zr, err := maybeGunzip(r, name)
	if err != nil {
		return nil, err
	}
	dims, err := readIDXHeader(zr, name, idxLabelsMagic, "label")
	if err != nil {
		return nil, err
	}
	n := int(dims[0])
	if n == 0 {
		return nil, fmt.Errorf("reading %s: header declares 0 labels; a label file needs at least one", name)
	}
	what := func() string { return fmt.Sprintf("header says %d labels", n) }
	labels, err := readIDXPayload(zr, name, n, what, "labels")
	if err != nil {
		return nil, err
	}
	if classes > 0 {
		for i, l := range labels {
			if int(l) >= classes {
				return nil, fmt.Errorf("reading %s: label %d at index %d is out of range; labels must be 0..%d", name, l, i, classes-1)
			}
		}
	}
	return labels, nil
}

// maybeGunzip returns r itself, or a gzip reader over it when r starts with
// the gzip magic bytes 1f 8b.
func maybeGunzip(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading %s: starts like a gzip file but its gzip header is damaged: %w", name, err)
		}
		return &gzipStream{zr}, nil
	}
	return br, nil
}

// gzipStream marks a stream as gunzipped, so messages can say so.
type gzipStream struct{ *gzip.Reader }

func isGzip(r io.Reader) bool { _, ok := r.(*gzipStream); return ok }

// readIDXHeader reads and checks the magic number and the dimensions.
func readIDXHeader(r io.Reader, name string, magic uint32, kind string) ([]uint32, error) {
	ndims := int(magic & 0xff)
	headerLen := 4 + 4*ndims
	buf := make([]byte, headerLen)
	truncated := func(got int) error {
		return fmt.Errorf("reading %s: the file holds only %d bytes%s, less than the %d-byte header of an IDX %s file — it is truncated or not an IDX file",
			name, got, afterGunzip(r), headerLen, kind)
	}
	// The magic number first: a wrong one explains a short header better.
	if got, err := io.ReadFull(r, buf[:4]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, truncated(got)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	m := binary.BigEndian.Uint32(buf)
	if m != magic {
		other := map[uint32]string{idxImagesMagic: "image", idxLabelsMagic: "label"}
		switch {
		case other[m] != "":
			return nil, fmt.Errorf("reading %s: magic number 0x%08x marks an IDX %s file, but an %s file was expected (magic 0x%08x); are the image and label files swapped?",
				name, m, other[m], kind, magic)
		case buf[0] == 0 && buf[1] == 0 && buf[2] != idxTypeUbyte && idxTypeNames[buf[2]] != "":
			return nil, fmt.Errorf("reading %s: magic number 0x%08x declares %s values; only unsigned bytes (type 0x08, magic 0x%08x for %s files) are supported",
				name, m, idxTypeNames[buf[2]], magic, kind)
		case buf[0] == 0 && buf[1] == 0 && buf[2] == idxTypeUbyte:
			return nil, fmt.Errorf("reading %s: magic number 0x%08x declares %d dimensions; an IDX %s file has %d (magic 0x%08x)",
				name, m, buf[3], kind, ndims, magic)
		default:
			return nil, fmt.Errorf("reading %s: bad magic number 0x%08x; an IDX %s file starts with 0x%08x — this is not an IDX %s file (or it is compressed with something other than gzip)",
				name, m, kind, magic, kind)
		}
	}
	if got, err := io.ReadFull(r, buf[4:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, truncated(4 + got)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	dims := make([]uint32, ndims)
	for i := range dims {
		dims[i] = binary.BigEndian.Uint32(buf[4+4*i:])
	}
	return dims, nil
}

// readIDXPayload reads exactly size bytes of values and checks that nothing
// follows them. It never allocates more than the input actually holds, so a
// damaged header cannot make it reserve gigabytes.
func readIDXPayload(r io.Reader, name string, size int, what func() string, unit string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(min(size+1, 1<<20))
	_, err := buf.ReadFrom(io.LimitReader(r, int64(size)+1))
	got := buf.Len()
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && got < size {
			return nil, fmt.Errorf("reading %s: %s but the file holds %d bytes of %s (want %d): the gzip stream is cut short; the file is truncated, replace it",
				name, what(), got, unit, size)
		}
		return nil, fmt.Errorf("reading %s: after %d of %d bytes of %s: %w; the file is damaged, replace it", name, got, size, unit, err)
	}
	if got < size {
		return nil, fmt.Errorf("reading %s: %s but the file holds %d bytes of %s%s (want %d); the file is truncated, replace it",
			name, what(), got, unit, afterGunzip(r), size)
	}
	if got > size {
		extra, err := io.Copy(io.Discard, r)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %s (%d bytes) but more bytes follow, and then: %w; the file is damaged, replace it", name, what(), size, err)
		}
		return nil, fmt.Errorf("reading %s: %s (%d bytes of %s) but the file holds %d more bytes after them; the header and the data disagree, the file is damaged",
			name, what(), size, unit, extra+1)
	}
	return buf.Bytes(), nil
}

func afterGunzip(r io.Reader) string {
	if isGzip(r) {
		return " (after gunzip)"
	}
	return ""
}
