package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an IDX file: magic, dims, then payload.
func idxBytes(magic uint32, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func seq(n int, mod int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i*7 + 3) % mod)
	}
	return b
}

// writeFashionDir writes a synthetic Fashion-MNIST directory with n train
// and m test images; gzipped selects the .gz names and compression.
func writeFashionDir(t *testing.T, n, m int, gzipped bool) string {
	dir := t.TempDir()
	put := func(name string, b []byte) {
		if gzipped {
			name += ".gz"
			b = gz(t, b)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("train-images-idx3-ubyte", idxBytes(0x803, []uint32{uint32(n), 28, 28}, seq(n*784, 256)))
	put("train-labels-idx1-ubyte", idxBytes(0x801, []uint32{uint32(n)}, seq(n, 10)))
	put("t10k-images-idx3-ubyte", idxBytes(0x803, []uint32{uint32(m), 28, 28}, seq(m*784, 251)))
	put("t10k-labels-idx1-ubyte", idxBytes(0x801, []uint32{uint32(m)}, seq(m, 10)))
	return dir
}

func TestIDXRoundTrip(t *testing.T) {
	pix := seq(5*3*4, 256)
	lab := seq(5, 10)
	imgs := idxBytes(0x803, []uint32{5, 3, 4}, pix)
	lbls := idxBytes(0x801, []uint32{5}, lab)
	for _, compressed := range []bool{false, true} {
		ib, lb := imgs, lbls
		if compressed {
			ib, lb = gz(t, ib), gz(t, lb)
		}
		dir := t.TempDir()
		// Names deliberately say nothing about compression: content decides.
		ip, lp := filepath.Join(dir, "images.bin"), filepath.Join(dir, "labels.bin")
		os.WriteFile(ip, ib, 0o644)
		os.WriteFile(lp, lb, 0o644)
		n, h, w, got, err := ReadIDXImages(ip)
		if err != nil {
			t.Fatalf("gzip=%v: %v", compressed, err)
		}
		if n != 5 || h != 3 || w != 4 || !bytes.Equal(got, pix) {
			t.Fatalf("gzip=%v: got %d×%d×%d", compressed, n, h, w)
		}
		gotL, err := ReadIDXLabels(lp)
		if err != nil || !bytes.Equal(gotL, lab) {
			t.Fatalf("gzip=%v: labels %v %v", compressed, gotL, err)
		}
	}
}

func TestIDXMalformed(t *testing.T) {
	good := idxBytes(0x803, []uint32{3, 2, 2}, seq(12, 256))
	cases := []struct {
		name   string
		images bool
		data   []byte
		want   []string
	}{
		{"bad magic", true, idxBytes(0x12345678, []uint32{3, 2, 2}, seq(12, 256)), []string{"bad magic number 0x12345678", "0x00000803"}},
		{"label file as images", true, idxBytes(0x801, []uint32{3, 2, 2}, nil), []string{"marks an IDX label file", "swapped"}},
		{"image file as labels", false, good, []string{"marks an IDX image file"}},
		{"float type", true, idxBytes(0xd03, []uint32{3, 2, 2}, nil), []string{"float32", "only unsigned bytes"}},
		{"wrong ndims", true, idxBytes(0x802, []uint32{3, 2}, nil), []string{"declares 2 dimensions", "has 3"}},
		{"zero rows", true, idxBytes(0x803, []uint32{3, 0, 2}, nil), []string{"3 images", "0×2"}},
		{"huge side", true, idxBytes(0x803, []uint32{1, 1 << 20, 1}, nil), []string{"1048576×1", "between 1 and 65536"}},
		{"zero images", true, idxBytes(0x803, []uint32{0, 2, 2}, nil), []string{"0 images"}},
		{"short header", true, good[:10], []string{"only 10 bytes", "16-byte header"}},
		{"empty", true, nil, []string{"only 0 bytes"}},
		{"truncated pixels", true, good[:len(good)-5], []string{"header says 3 images of 2×2 but the file holds 7 bytes of pixels (want 12)", "truncated"}},
		{"trailing bytes", true, append(append([]byte{}, good...), 1, 2, 3), []string{"3 more bytes"}},
		{"truncated gzip", true, gz(t, good)[:20], []string{"truncated"}},
		{"count mismatch labels", false, idxBytes(0x801, []uint32{6}, seq(4, 10)), []string{"header says 6 labels but the file holds 4 bytes of labels"}},
		{"label out of range", false, idxBytes(0x801, []uint32{4}, []byte{1, 2, 10, 3}), []string{"label 10 at index 2", "0..9"}},
		{"zero labels", false, idxBytes(0x801, []uint32{0}, nil), []string{"0 labels"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f-idx")
			os.WriteFile(p, c.data, 0o644)
			var err error
			if c.images {
				_, _, _, _, err = ReadIDXImages(p)
			} else {
				_, err = ReadIDXLabels(p)
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "reading "+p+": ") {
				t.Errorf("message %q does not start by naming the file", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestIDXGzipChecksum(t *testing.T) {
	b := gz(t, idxBytes(0x801, []uint32{3}, []byte{1, 2, 3}))
	b[len(b)-8] ^= 0xff // CRC-32 in the gzip trailer
	_, err := DecodeIDXLabels(bytes.NewReader(b), "x.gz", 10)
	if err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("got %v", err)
	}
}

func TestDecodeIDXLabelsClasses(t *testing.T) {
	b := idxBytes(0x801, []uint32{3}, []byte{0, 200, 3})
	if _, err := DecodeIDXLabels(bytes.NewReader(b), "x", 0); err != nil {
		t.Fatalf("classes 0 should accept any byte: %v", err)
	}
	if _, err := DecodeIDXLabels(bytes.NewReader(b), "x", 4); err == nil || !strings.Contains(err.Error(), "label 200 at index 1") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadFashionMNISTSynthetic(t *testing.T) {
	for _, gzipped := range []bool{false, true} {
		dir := writeFashionDir(t, 7, 3, gzipped)
		tr, err := LoadFashionMNIST(dir, "train")
		if err != nil {
			t.Fatal(err)
		}
		if tr.N != 7 || tr.C != 1 || tr.H != 28 || tr.W != 28 || len(tr.Pixels) != 7*784 || tr.Classes != 10 {
			t.Fatalf("train %d×%d×%d×%d", tr.N, tr.C, tr.H, tr.W)
		}
		want := seq(7*784, 256)
		for i, v := range tr.Pixels {
			if v != float32(want[i])/255 {
				t.Fatalf("pixel %d = %v, want %v", i, v, float32(want[i])/255)
			}
		}
		if !slices.Equal(tr.Labels, []int{3, 0, 7, 4, 1, 8, 5}) {
			t.Fatalf("labels %v", tr.Labels)
		}
		te, err := LoadFashionMNIST(dir, "test")
		if err != nil || te.N != 3 {
			t.Fatalf("test: %v", err)
		}
		tr2, te2, err := OpenImages(dir)
		if err != nil || tr2.N != 7 || te2.N != 3 {
			t.Fatalf("OpenImages(dir): %v", err)
		}
	}
}

func TestLoadFashionMNISTErrors(t *testing.T) {
	empty := t.TempDir()
	_, err := LoadFashionMNIST(empty, "train")
	if err == nil || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") || !strings.Contains(err.Error(), "data.path") ||
		!strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
		t.Fatalf("missing files: %v", err)
	}
	if _, err := LoadFashionMNIST(filepath.Join(empty, "nope"), "test"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing dir: %v", err)
	}
	if _, err := LoadFashionMNIST(empty, "validation"); err == nil || !strings.Contains(err.Error(), `"train" and "test"`) {
		t.Fatalf("bad split: %v", err)
	}
	// Labels and images disagree in count.
	dir := writeFashionDir(t, 4, 2, false)
	os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), idxBytes(0x801, []uint32{3}, []byte{1, 2, 3}), 0o644)
	_, err = LoadFashionMNIST(dir, "test")
	if err == nil || !strings.Contains(err.Error(), "holds 2 images") || !strings.Contains(err.Error(), "holds 3 labels") {
		t.Fatalf("count mismatch: %v", err)
	}
	// Wrong image size.
	os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte"), idxBytes(0x803, []uint32{4, 2, 2}, seq(16, 256)), 0o644)
	_, err = LoadFashionMNIST(dir, "train")
	if err == nil || !strings.Contains(err.Error(), "2×2") || !strings.Contains(err.Error(), "28×28") {
		t.Fatalf("wrong dims: %v", err)
	}
}

func TestOpenImagesDigits(t *testing.T) {
	tr, te, err := OpenImages("builtin:digits")
	if err != nil {
		t.Fatal(err)
	}
	if tr.N != 1437 || te.N != 360 || tr.H != 8 || te.Dim() != 64 {
		t.Fatalf("got %d/%d", tr.N, te.N)
	}
	tr2, te2, _ := OpenImages(" builtin:digits ")
	if !slices.Equal(tr.Labels, tr2.Labels) || !slices.Equal(te.Pixels, te2.Pixels) {
		t.Fatal("digits split is not deterministic")
	}
	// Every class appears in the test part.
	for c, k := range te.LabelCounts() {
		if k < 20 {
			t.Errorf("class %d has only %d test images", c, k)
		}
	}
	if _, _, err := OpenImages("builtin:cifar"); err == nil || !strings.Contains(err.Error(), "builtin:digits") {
		t.Fatalf("unknown builtin: %v", err)
	}
}

// TestFashionMNISTReal loads the installed data set when it is there.
func TestFashionMNISTReal(t *testing.T) {
	if _, err := os.Stat(filepath.Join(DefaultFashionDir, "train-labels-idx1-ubyte.gz")); err != nil {
		if _, err2 := os.Stat(filepath.Join(DefaultFashionDir, "train-labels-idx1-ubyte")); err2 != nil {
			t.Skipf("Fashion-MNIST is not installed in %s (apt-get install dataset-fashion-mnist): %v", DefaultFashionDir, err)
		}
	}
	if testing.Short() {
		t.Skip("-short: skipping the 30 MB Fashion-MNIST read")
	}
	tr, te, err := OpenImages("fashion-mnist")
	if err != nil {
		t.Fatal(err)
	}
	if tr.N != 60000 || te.N != 10000 || tr.Dim() != 784 || len(tr.Pixels) != 60000*784 {
		t.Fatalf("got %d train and %d test images of %d", tr.N, te.N, tr.Dim())
	}
	// Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
	for c, k := range tr.LabelCounts() {
		if k != 6000 {
			t.Errorf("train class %d (%s): %d images", c, tr.ClassNames[c], k)
		}
	}
	for c, k := range te.LabelCounts() {
		if k != 1000 {
			t.Errorf("test class %d: %d images", c, k)
		}
	}
	var sum float64
	var maxV float32
	for _, v := range te.Pixels {
		sum += float64(v)
		maxV = max(maxV, v)
	}
	mean := sum / float64(len(te.Pixels))
	if mean < 0.25 || mean > 0.32 || maxV != 1 { // the published test mean is 0.2868
		t.Fatalf("test pixel mean %.4f, max %v", mean, maxV)
	}
	if tr.ClassNames[9] != "Ankle boot" || tr.ClassNames[0] != "T-shirt/top" {
		t.Fatalf("class names %q", tr.ClassNames)
	}
}
