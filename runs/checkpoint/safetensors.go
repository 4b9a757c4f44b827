package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Supported safetensors dtypes.
const (
	F32 = "F32"
	F64 = "F64"
	I64 = "I64"
)

// metadataKey is the reserved header entry for free-form string metadata.
const metadataKey = "__metadata__"

// maxHeader bounds the JSON header (the reference implementation uses the
// same 100 MB limit), so a corrupted length cannot make a reader allocate
// without bound.
const maxHeader = 100 << 20

// Tensor is one named tensor. Exactly one of F32, F64 and I64 holds its
// values, in row-major order, according to DType ("F32", "F64" or "I64");
// the product of Shape (1 for an empty shape, a scalar) is the number of
// values.
type Tensor struct {
	Name  string
	DType string
	Shape []int
	F32   []float32
	F64   []float64
	I64   []int64
}

// dtypeSize is the size in bytes of one element of a supported dtype.
func dtypeSize(dt string) int {
	switch dt {
	case F32:
		return 4
	case F64, I64:
		return 8
	}
	return 0
}

// maxElems bounds the number of elements of one tensor (2^40), far above
// any real tensor and low enough that byte counts cannot overflow.
const maxElems = 1 << 40

// numel is the product of shape, or an error when a dimension is negative or
// the product overflows.
func numel(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d in shape %v", d, shape)
		}
		if d != 0 && n > maxElems/d {
			return 0, fmt.Errorf("shape %v has too many elements", shape)
		}
		n *= d
	}
	return n, nil
}

// dtypeAndLen reports the dtype of t (inferred from the one non-nil slice
// when DType is empty) and the length of its data slice.
func dtypeAndLen(t *Tensor) (string, int, error) {
	dt := t.DType
	if dt == "" {
		set := 0
		if t.F32 != nil {
			dt, set = F32, set+1
		}
		if t.F64 != nil {
			dt, set = F64, set+1
		}
		if t.I64 != nil {
			dt, set = I64, set+1
		}
		if set != 1 {
			return "", 0, fmt.Errorf("tensor %q: DType is empty and %d of F32, F64, I64 are set; set DType", t.Name, set)
		}
	}
	var n, others int
	switch dt {
	case F32:
		n, others = len(t.F32), len(t.F64)+len(t.I64)
	case F64:
		n, others = len(t.F64), len(t.F32)+len(t.I64)
	case I64:
		n, others = len(t.I64), len(t.F32)+len(t.F64)
	default:
		return "", 0, fmt.Errorf("tensor %q: dtype %q is not supported; use F32, F64 or I64", t.Name, dt)
	}
	if others != 0 {
		return "", 0, fmt.Errorf("tensor %q: dtype %s but values are in another field too; fill only the %s slice", t.Name, dt, dt)
	}
	return dt, n, nil
}

// EncodeSafetensors writes ts and meta in the safetensors format
// (huggingface.co/docs/safetensors): an 8-byte little-endian header length,
// a JSON header mapping each tensor name to its dtype, shape and
// [begin, end) byte offsets into the data section, an optional
// "__metadata__" string map, then the raw little-endian tensor data.
//
// Tensors are written sorted by name and the header is padded with spaces to
// a multiple of 8 bytes, so the same tensors always give the same bytes. It
// fails, before writing anything, on an empty, reserved or duplicate name,
// an unsupported dtype, or a shape that does not match the number of values.
func EncodeSafetensors(w io.Writer, ts []Tensor, meta map[string]string) error {
	order := make([]int, len(ts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ts[order[a]].Name < ts[order[b]].Name })

	var hdr bytes.Buffer
	hdr.WriteByte('{')
	first := true
	if len(meta) > 0 {
		mb, err := json.Marshal(meta) // map keys are sorted by encoding/json
		if err != nil {
			return fmt.Errorf("safetensors: encoding metadata: %w", err)
		}
		hdr.WriteString(`"` + metadataKey + `":`)
		hdr.Write(mb)
		first = false
	}
	dtypes := make([]string, len(ts))
	var offset int64
	for k, i := range order {
		t := &ts[i]
		if t.Name == "" {
			return fmt.Errorf("safetensors: tensor %d has an empty name", i)
		}
		if t.Name == metadataKey {
			return fmt.Errorf("safetensors: tensor name %q is reserved for metadata", metadataKey)
		}
		if k > 0 && ts[order[k-1]].Name == t.Name {
			return fmt.Errorf("safetensors: tensor name %q appears twice", t.Name)
		}
		dt, n, err := dtypeAndLen(t)
		if err != nil {
			return fmt.Errorf("safetensors: %w", err)
		}
		want, err := numel(t.Shape)
		if err != nil {
			return fmt.Errorf("safetensors: tensor %q: %w", t.Name, err)
		}
		if want != n {
			return fmt.Errorf("safetensors: tensor %q: shape %v needs %d values, found %d", t.Name, t.Shape, want, n)
		}
		dtypes[i] = dt
		end := offset + int64(n*dtypeSize(dt))
		name, _ := json.Marshal(t.Name)
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		sb, _ := json.Marshal(shape)
		if !first {
			hdr.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&hdr, `%s:{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}`, name, dt, sb, offset, end)
		offset = end
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(hdr.Len()))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return fmt.Errorf("safetensors: writing header: %w", err)
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return fmt.Errorf("safetensors: writing header: %w", err)
	}
	c := &chunks{w: w, buf: make([]byte, 0, 1<<16)}
	for _, i := range order {
		t := &ts[i]
		var err error
		switch dtypes[i] {
		case F32:
			err = encode(c, t.F32, func(b []byte, v float32) []byte { return binary.LittleEndian.AppendUint32(b, math.Float32bits(v)) })
		case F64:
			err = encode(c, t.F64, func(b []byte, v float64) []byte { return binary.LittleEndian.AppendUint64(b, math.Float64bits(v)) })
		case I64:
			err = encode(c, t.I64, func(b []byte, v int64) []byte { return binary.LittleEndian.AppendUint64(b, uint64(v)) })
		}
		if err != nil {
			return fmt.Errorf("safetensors: writing tensor %q: %w", t.Name, err)
		}
	}
	if err := c.flush(); err != nil {
		return fmt.Errorf("safetensors: writing tensor data: %w", err)
	}
	return nil
}

// headerEntry is one tensor's description in the JSON header.
type headerEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// DecodeSafetensors parses a complete safetensors file held in b and returns
// its tensors sorted by name and its "__metadata__" map (nil when absent).
//
// It checks everything the format promises and reports the first violation
// as an error, never a panic: the header length fits in the file; the header
// is one JSON object with no duplicate names; every entry has a supported
// dtype, a non-negative shape and two offsets; offsets lie within the data
// section; the tensors, taken in offset order, cover the data section
// contiguously with no gap or overlap; and each tensor's byte length equals
// the product of its shape times the dtype size.
func DecodeSafetensors(b []byte) ([]Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("safetensors: file is %d bytes, shorter than the 8-byte header length; it is truncated", len(b))
	}
	hl := binary.LittleEndian.Uint64(b[:8])
	if hl > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds the %d bytes after it; the file is truncated or not safetensors", hl, len(b)-8)
	}
	if hl > maxHeader {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds the %d-byte limit", hl, maxHeader)
	}
	hdr := b[8 : 8+hl]
	data := b[8+hl:]
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, errors.New("safetensors: header does not start with '{'; the file is not safetensors or is corrupted")
	}

	dec := json.NewDecoder(bytes.NewReader(hdr))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("safetensors: header is not a JSON object: %v", err)
	}
	type named struct {
		name string
		e    headerEntry
	}
	var entries []named
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: header JSON is malformed: %w", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("safetensors: header JSON is malformed: key %v is not a string", tok)
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("safetensors: header names %q twice", name)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("safetensors: header JSON is malformed at %q: %w", name, err)
		}
		if name == metadataKey {
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors: %s must map strings to strings: %w", metadataKey, err)
			}
			continue
		}
		var e headerEntry
		ed := json.NewDecoder(bytes.NewReader(raw))
		ed.DisallowUnknownFields()
		if err := ed.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: header entry is malformed: %w", name, err)
		}
		entries = append(entries, named{name, e})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, nil, fmt.Errorf("safetensors: header JSON is malformed: object not closed (%v)", err)
	}
	// Only padding may follow the object.
	rest := hdr[dec.InputOffset():]
	if len(strings.TrimSpace(string(rest))) != 0 {
		return nil, nil, errors.New("safetensors: header has bytes after its JSON object other than space padding")
	}

	for _, ne := range entries {
		e := ne.e
		if dtypeSize(e.DType) == 0 {
			return nil, nil, fmt.Errorf("safetensors: tensor %q has dtype %q; supported are F32, F64, I64", ne.name, e.DType)
		}
		if e.Shape == nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q has no shape", ne.name)
		}
		if len(e.DataOffsets) != 2 {
			return nil, nil, fmt.Errorf("safetensors: tensor %q has %d data offsets, want 2 (begin, end)", ne.name, len(e.DataOffsets))
		}
		if e.DataOffsets[0] > e.DataOffsets[1] || e.DataOffsets[1] > uint64(len(data)) {
			return nil, nil, fmt.Errorf("safetensors: tensor %q has data offsets [%d, %d] outside the %d-byte data section; the file is truncated or corrupted", ne.name, e.DataOffsets[0], e.DataOffsets[1], len(data))
		}
		n, err := numel(e.Shape)
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %w", ne.name, err)
		}
		if got := e.DataOffsets[1] - e.DataOffsets[0]; uint64(n)*uint64(dtypeSize(e.DType)) != got {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: shape %v of %s needs %d bytes, offsets span %d", ne.name, e.Shape, e.DType, n*dtypeSize(e.DType), got)
		}
	}
	byOffset := make([]named, len(entries))
	copy(byOffset, entries)
	sort.SliceStable(byOffset, func(i, j int) bool {
		a, b := byOffset[i].e.DataOffsets, byOffset[j].e.DataOffsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[1] < b[1]
	})
	var pos uint64
	for _, ne := range byOffset {
		if ne.e.DataOffsets[0] != pos {
			if ne.e.DataOffsets[0] < pos {
				return nil, nil, fmt.Errorf("safetensors: tensor %q starts at byte %d, inside the previous tensor (which ends at %d); tensors must not overlap", ne.name, ne.e.DataOffsets[0], pos)
			}
			return nil, nil, fmt.Errorf("safetensors: tensor %q starts at byte %d but the previous tensor ends at %d; the data section has a gap", ne.name, ne.e.DataOffsets[0], pos)
		}
		pos = ne.e.DataOffsets[1]
	}
	if pos != uint64(len(data)) {
		return nil, nil, fmt.Errorf("safetensors: tensors cover %d bytes but the data section has %d; the file has trailing bytes or is corrupted", pos, len(data))
	}

	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	ts := make([]Tensor, len(entries))
	for i, ne := range entries {
		e := ne.e
		raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
		t := Tensor{Name: ne.name, DType: e.DType, Shape: append([]int{}, e.Shape...)}
		switch e.DType {
		case F32:
			t.F32 = make([]float32, len(raw)/4)
			for j := range t.F32 {
				t.F32[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
		case F64:
			t.F64 = make([]float64, len(raw)/8)
			for j := range t.F64 {
				t.F64[j] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*j:]))
			}
		case I64:
			t.I64 = make([]int64, len(raw)/8)
			for j := range t.I64 {
				t.I64[j] = int64(binary.LittleEndian.Uint64(raw[8*j:]))
			}
		}
		ts[i] = t
	}
	return ts, meta, nil
}

// chunks gathers encoded tensor values and writes them to w about 64 KiB
// at a time.
type chunks struct {
	w   io.Writer
	buf []byte
}

// flush writes what has been gathered.
func (c *chunks) flush() error {
	_, err := c.w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

// encode appends each of vals to c with put (little-endian bytes), writing a
// chunk whenever 64 KiB have been gathered.
func encode[T any](c *chunks, vals []T, put func([]byte, T) []byte) error {
	for _, v := range vals {
		c.buf = put(c.buf, v)
		if len(c.buf) >= 1<<16 {
			if err := c.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}
