package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sample() []Tensor {
	w := make([]float32, 3*5)
	for i := range w {
		w[i] = float32(i)*0.37 - 2
	}
	w[1] = float32(math.Copysign(0, -1))
	w[2] = float32(math.Inf(1))
	w[3] = math.Float32frombits(0x7fc00123) // NaN with a payload
	return []Tensor{
		{Name: "fc1.weight", DType: F32, Shape: []int{3, 5}, F32: w},
		{Name: "fc1.bias", DType: F64, Shape: []int{3}, F64: []float64{1e-300, -math.MaxFloat64, math.Float64frombits(0x7ff8000000000042)}},
		{Name: "step_counts", Shape: []int{2, 2}, I64: []int64{math.MinInt64, -1, 0, math.MaxInt64}}, // DType inferred
		{Name: "scalar", DType: F32, Shape: []int{}, F32: []float32{4.5}},
		{Name: "empty", DType: F64, Shape: []int{0, 7}, F64: []float64{}},
	}
}

// bitsEqual compares tensors bit for bit (NaN payloads and signed zeros too).
func bitsEqual(t *testing.T, got, want []Tensor) {
	t.Helper()
	byName := map[string]Tensor{}
	for _, w := range want {
		byName[w.Name] = w
	}
	if len(got) != len(want) {
		t.Fatalf("got %d tensors, want %d", len(got), len(want))
	}
	for i, g := range got {
		if i > 0 && got[i-1].Name >= g.Name {
			t.Fatalf("tensors not sorted by name: %q then %q", got[i-1].Name, g.Name)
		}
		w, ok := byName[g.Name]
		if !ok {
			t.Fatalf("unexpected tensor %q", g.Name)
		}
		if len(g.Shape) != len(w.Shape) || (len(w.Shape) > 0 && !reflect.DeepEqual(g.Shape, w.Shape)) {
			t.Fatalf("%s: shape %v, want %v", g.Name, g.Shape, w.Shape)
		}
		if len(g.F32) != len(w.F32) || len(g.F64) != len(w.F64) || len(g.I64) != len(w.I64) {
			t.Fatalf("%s: lengths differ", g.Name)
		}
		for j := range w.F32 {
			if math.Float32bits(g.F32[j]) != math.Float32bits(w.F32[j]) {
				t.Fatalf("%s[%d]: %08x, want %08x", g.Name, j, math.Float32bits(g.F32[j]), math.Float32bits(w.F32[j]))
			}
		}
		for j := range w.F64 {
			if math.Float64bits(g.F64[j]) != math.Float64bits(w.F64[j]) {
				t.Fatalf("%s[%d] differs", g.Name, j)
			}
		}
		for j := range w.I64 {
			if g.I64[j] != w.I64[j] {
				t.Fatalf("%s[%d] differs", g.Name, j)
			}
		}
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	meta := map[string]string{"b": "2", "a": "1"}
	if err := EncodeSafetensors(&buf, sample(), meta); err != nil {
		t.Fatal(err)
	}
	hl := binary.LittleEndian.Uint64(buf.Bytes())
	if hl%8 != 0 {
		t.Fatalf("header length %d not padded to 8", hl)
	}
	ts, m, err := DecodeSafetensors(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	bitsEqual(t, ts, sample())
	if !reflect.DeepEqual(m, meta) {
		t.Fatalf("metadata %v", m)
	}
	// Deterministic regardless of input order.
	rev := sample()
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	var buf2 bytes.Buffer
	EncodeSafetensors(&buf2, rev, map[string]string{"a": "1", "b": "2"})
	if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Fatal("encoding depends on tensor order")
	}
}

// TestSafetensorsKnownBytes checks the layout against a file built by hand
// from the specification.
func TestSafetensorsKnownBytes(t *testing.T) {
	hdr := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}`
	var b []byte
	b = binary.LittleEndian.AppendUint64(b, uint64(len(hdr)))
	b = append(b, hdr...)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(1.5))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(-2))
	b = binary.LittleEndian.AppendUint64(b, 7)
	ts, meta, err := DecodeSafetensors(b)
	if err != nil {
		t.Fatal(err)
	}
	if meta != nil || len(ts) != 2 || ts[0].F32[0] != 1.5 || ts[0].F32[1] != -2 || ts[1].I64[0] != 7 || len(ts[1].Shape) != 0 {
		t.Fatalf("decoded %+v", ts)
	}
	var enc bytes.Buffer
	if err := EncodeSafetensors(&enc, ts, nil); err != nil {
		t.Fatal(err)
	}
	want := hdr
	for len(want)%8 != 0 {
		want += " "
	}
	if got := string(enc.Bytes()[8 : 8+len(want)]); got != want {
		t.Fatalf("header\n%s\nwant\n%s", got, want)
	}
}

func TestEncodeRejects(t *testing.T) {
	cases := map[string][]Tensor{
		"empty name":     {{DType: F32, Shape: []int{1}, F32: []float32{1}}},
		"reserved":       {{Name: "__metadata__", DType: F32, Shape: []int{1}, F32: []float32{1}}},
		"duplicate":      {{Name: "a", DType: F32, Shape: []int{1}, F32: []float32{1}}, {Name: "a", DType: F32, Shape: []int{1}, F32: []float32{1}}},
		"dtype":          {{Name: "a", DType: "BF16", Shape: []int{1}, F32: []float32{1}}},
		"shape":          {{Name: "a", DType: F32, Shape: []int{2}, F32: []float32{1}}},
		"negative":       {{Name: "a", DType: F32, Shape: []int{-1}, F32: []float32{}}},
		"two slices":     {{Name: "a", DType: F32, Shape: []int{1}, F32: []float32{1}, I64: []int64{1}}},
		"no dtype guess": {{Name: "a", Shape: []int{0}}},
	}
	for name, ts := range cases {
		var buf bytes.Buffer
		if err := EncodeSafetensors(&buf, ts, nil); err == nil {
			t.Errorf("%s: accepted", name)
		} else if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, buf.Len())
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	mk := func(hdr string, data int) []byte {
		var b []byte
		b = binary.LittleEndian.AppendUint64(b, uint64(len(hdr)))
		b = append(b, hdr...)
		return append(b, make([]byte, data)...)
	}
	cases := map[string]struct {
		b    []byte
		want string
	}{
		"short":        {[]byte{1, 2, 3}, "truncated"},
		"huge header":  {binary.LittleEndian.AppendUint64(nil, 1<<62), "exceeds"},
		"not object":   {mk(`[1]`, 0), "'{'"},
		"bad json":     {mk(`{"a":`, 0), "malformed"},
		"duplicate":    {mk(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, 4), "twice"},
		"dtype":        {mk(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, 4), "F16"},
		"out of range": {mk(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 4), "outside"},
		"reversed":     {mk(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, 4), "outside"},
		"size":         {mk(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8), "needs 12 bytes"},
		"gap":          {mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "gap"},
		"overlap":      {mk(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "overlap"},
		"trailing":     {mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 8), "trailing"},
		"offsets":      {mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, 4), "2 (begin, end)"},
		"no shape":     {mk(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, 4), "no shape"},
		"unknown":      {mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, 4), "malformed"},
		"metadata":     {mk(`{"__metadata__":{"a":1}}`, 0), "strings"},
		"garbage":      {mk(`{} x`, 0), "after its JSON"},
		"big shape":    {mk(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, 0), "too many"},
		"neg shape":    {mk(`{"a":{"dtype":"F64","shape":[-1],"data_offsets":[0,0]}}`, 0), "negative dimension"},
	}
	for name, c := range cases {
		_, _, err := DecodeSafetensors(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, c.want)
		}
	}
}

func sampleMeta() Meta {
	return Meta{
		Model: "vae", Step: 1234, Epoch: 3, BatchInEpoch: 17, Seed: 42,
		State:  map[string]any{"adam_t": 1234, "lr": 0.001, "rng": uint64(0xfedcba9876543210), "order": []int{3, 1, 2}},
		Config: map[string]any{"model": map[string]any{"latent": 16}},
	}
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, sample(), sampleMeta()); err != nil {
		t.Fatal(err)
	}
	ts, m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	bitsEqual(t, ts, sample())
	if m.Format != FormatVersion || m.Model != "vae" || m.Step != 1234 || m.Epoch != 3 || m.BatchInEpoch != 17 || m.Seed != 42 || len(m.TensorsSHA256) != 64 {
		t.Fatalf("meta %+v", m)
	}
	if rng, err := m.Uint64("rng"); err != nil || rng != 0xfedcba9876543210 {
		t.Fatalf("rng = %x, %v (64-bit state must survive exactly)", rng, err)
	}
	if lr, err := m.Float64("lr"); err != nil || lr != 0.001 {
		t.Fatalf("lr = %v, %v", lr, err)
	}
	if n, err := m.Int64("adam_t"); err != nil || n != 1234 {
		t.Fatalf("adam_t = %v, %v", n, err)
	}
	if _, err := m.Int64("missing"); err == nil {
		t.Fatal("missing key accepted")
	}
	if _, err := m.Int64("order"); err == nil {
		t.Fatal("slice read as number")
	}
	// Saving the same thing twice gives identical files.
	dir2 := t.TempDir()
	Save(dir2, sample(), sampleMeta())
	a, _ := os.ReadFile(filepath.Join(dir, TensorsFile))
	b, _ := os.ReadFile(filepath.Join(dir2, TensorsFile))
	if !bytes.Equal(a, b) {
		t.Fatal("checkpoint differs between identical saves")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("Save wrote %d files, want the one checkpoint", len(ents))
	}
}

// saveFormat1 writes a checkpoint as genxai wrote it before format 2: the
// safetensors file with plain metadata beside checkpoint.json.
func saveFormat1(t *testing.T, dir string, ts []Tensor, meta Meta) {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeSafetensors(&buf, ts, plainMeta(meta.Model, meta.Step)); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	meta.Format, meta.TensorsSHA256 = 1, hex.EncodeToString(sum[:])
	mb, _ := json.MarshalIndent(meta, "", "  ")
	os.WriteFile(filepath.Join(dir, TensorsFile), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, MetaFile), mb, 0o644)
}

// A format-1 checkpoint loads; the next Save replaces it by one file.
func TestLoadFormat1(t *testing.T) {
	dir := t.TempDir()
	saveFormat1(t, dir, sample(), sampleMeta())
	ts, m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	bitsEqual(t, ts, sample())
	if m.Format != 1 || m.Step != 1234 {
		t.Fatalf("meta %+v", m)
	}
	if err := Save(dir, ts, m); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, MetaFile)); !os.IsNotExist(err) {
		t.Fatalf("Save left the format-1 %s: %v", MetaFile, err)
	}
	if _, m, err := Load(dir); err != nil || m.Format != FormatVersion {
		t.Fatalf("after Save: format %d, %v", m.Format, err)
	}
}

// The tensors' hash is the same in both formats: the whole file of format 1.
func TestTensorsHashIsFormat1File(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	saveFormat1(t, a, sample(), sampleMeta())
	Save(b, sample(), sampleMeta())
	f1, _ := os.ReadFile(filepath.Join(a, TensorsFile))
	sum := sha256.Sum256(f1)
	_, m, err := Load(b)
	if err != nil || m.TensorsSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("format 2 records %s, format 1 file hashes to %x (%v)", m.TensorsSHA256, sum, err)
	}
}

func mustRefuse(t *testing.T, dir, what string) {
	t.Helper()
	ts, m, err := Load(dir)
	if err == nil {
		t.Fatalf("%s: Load succeeded", what)
	}
	if !errors.Is(err, ErrCorrupted) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "restore") {
		t.Fatalf("%s: error %q does not name the file, say corrupted, or say what to do", what, err)
	}
	if ts != nil || m.Model != "" || m.State != nil {
		t.Fatalf("%s: partial data returned", what)
	}
}

func TestLoadRefusesFlippedByte(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, sample(), sampleMeta()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, TensorsFile)
	orig, _ := os.ReadFile(path)
	for i := range orig {
		b := bytes.Clone(orig)
		b[i] ^= 1 << (i % 8)
		os.WriteFile(path, b, 0o644)
		mustRefuse(t, dir, "flipped byte")
		// The decoder alone must not panic on the same bytes.
		DecodeSafetensors(b)
	}
}

func TestLoadRefusesTruncated(t *testing.T) {
	dir := t.TempDir()
	Save(dir, sample(), sampleMeta())
	path := filepath.Join(dir, TensorsFile)
	orig, _ := os.ReadFile(path)
	for n := 0; n < len(orig); n++ {
		os.WriteFile(path, orig[:n], 0o644)
		mustRefuse(t, dir, "truncated")
		if _, _, err := DecodeSafetensors(orig[:n]); err == nil {
			t.Fatalf("decoder accepted a file truncated to %d of %d bytes", n, len(orig))
		}
	}
}

func TestLoadRefusesBadJSON(t *testing.T) {
	dir := t.TempDir()
	saveFormat1(t, dir, sample(), sampleMeta())
	path := filepath.Join(dir, MetaFile)
	orig, _ := os.ReadFile(path)
	bad := map[string][]byte{
		"truncated":  orig[:len(orig)/2],
		"empty":      nil,
		"not json":   []byte("hello"),
		"extra":      append(bytes.Clone(orig), []byte("{}")...),
		"unknown":    bytes.Replace(orig, []byte(`"model"`), []byte(`"modle"`), 1),
		"format":     bytes.Replace(orig, []byte(`"format": 1`), []byte(`"format": 3`), 1),
		"other hash": bytes.Replace(orig, []byte(`"tensors_sha256": "`), []byte(`"tensors_sha256": "0`), 1),
	}
	for name, b := range bad {
		os.WriteFile(path, b, 0o644)
		mustRefuse(t, dir, name)
	}
}

func TestLoadMissing(t *testing.T) {
	_, _, err := Load(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveRejects(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, []Tensor{{Name: "a", DType: F32, Shape: []int{2}, F32: []float32{1}}}, Meta{}); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v", err)
	}
	m := sampleMeta()
	m.State["bad"] = math.NaN()
	if err := Save(dir, sample(), m); err == nil {
		t.Fatal("NaN in state accepted")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("failed saves left files: %v", ents)
	}
}

func FuzzDecodeSafetensors(f *testing.F) {
	var buf bytes.Buffer
	EncodeSafetensors(&buf, sample(), map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add(binary.LittleEndian.AppendUint64(nil, 2))
	f.Add(append(binary.LittleEndian.AppendUint64(nil, 2), "{}"...))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, meta, err := DecodeSafetensors(b)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same tensors.
		var out bytes.Buffer
		if err := EncodeSafetensors(&out, ts, meta); err != nil {
			t.Fatalf("decoded tensors do not re-encode: %v", err)
		}
		ts2, _, err := DecodeSafetensors(out.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		bitsEqual(t, ts2, ts)
	})
}

// Defect 1 of issue 13: a save killed before its rename leaves a temporary
// file and the old checkpoint, whole; a checkpoint.json left beside a
// format-2 file (a kill after the rename, before its removal) is ignored.
func TestKilledSaveLeavesOldCheckpoint(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, sample(), sampleMeta()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "."+TensorsFile+".tmp-7"), []byte("half a checkpoint"), 0o644)
	os.WriteFile(filepath.Join(dir, MetaFile), []byte(`{"format":1}`), 0o644)
	ts, m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	bitsEqual(t, ts, sample())
	if m.Step != sampleMeta().Step || m.Format != FormatVersion {
		t.Fatalf("meta %+v", m)
	}
}
