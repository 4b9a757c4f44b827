package generate

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"genxai/data"
	"genxai/xai/explain/explaintest"
)

func TestMain(m *testing.M) { explaintest.Main(m) }

// export runs Export with o (Out a fresh directory when empty) and returns
// the directory and the summary.
func export(t *testing.T, o Options) (string, map[string]any) {
	t.Helper()
	if o.Out == "" {
		o.Out = t.TempDir()
	}
	if o.Format == "" {
		o.Format = "idx"
	}
	if o.Class == 0 {
		o.Class = -1
	}
	s, err := Export(context.Background(), o, map[string]any{"run": o.Run}, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("Export(%+v): %v", o, err)
	}
	return o.Out, s
}

// TestExportRoundTrips: a conditional GAN's export of 30 images per class
// reads back through genxai's own IDX and CSV readers, and as NPY and PNG,
// with the same count, shape and labels (image i of class i mod 10).
func TestExportRoundTrips(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsCGAN)
	const n = 300
	t.Run("idx", func(t *testing.T) {
		dir, _ := export(t, Options{Run: run, PerClass: 30, Format: "idx"})
		cnt, h, w, pix, err := data.ReadIDXImages(filepath.Join(dir, idxImages))
		if err != nil {
			t.Fatal(err)
		}
		if cnt != n || h != 8 || w != 8 || len(pix) != n*64 {
			t.Errorf("IDX images: %d of %d×%d (%d bytes), want %d of 8×8", cnt, h, w, len(pix), n)
		}
		labels, err := data.ReadIDXLabels(filepath.Join(dir, idxLabels))
		if err != nil {
			t.Fatal(err)
		}
		checkLabels(t, len(labels), func(i int) int { return int(labels[i]) })
	})
	t.Run("csv", func(t *testing.T) {
		dir, _ := export(t, Options{Run: run, PerClass: 30, Format: "csv"})
		tab, err := data.ReadCSV(filepath.Join(dir, csvImages), "label")
		if err != nil {
			t.Fatal(err)
		}
		if tab.Rows != n || tab.NumFeatures() != 64 {
			t.Errorf("CSV: %d rows of %d features, want %d of 64", tab.Rows, tab.NumFeatures(), n)
		}
		checkLabels(t, len(tab.Y), func(i int) int { return int(tab.Y[i]) })
	})
	t.Run("npy", func(t *testing.T) {
		dir, _ := export(t, Options{Run: run, PerClass: 30, Format: "npy"})
		descr, shape, payload := readNPY(t, filepath.Join(dir, npyImages))
		if descr != data.NPYFloat32 || shape != "(300, 1, 8, 8)" || len(payload) != n*64*4 {
			t.Errorf("images.npy: %s %s with %d bytes, want <f4 (300, 1, 8, 8) with %d", descr, shape, len(payload), n*64*4)
		}
		descr, shape, labels := readNPY(t, filepath.Join(dir, npyLabels))
		if descr != data.NPYUint8 || shape != "(300,)" {
			t.Errorf("labels.npy: %s %s, want |u1 (300,)", descr, shape)
		}
		checkLabels(t, len(labels), func(i int) int { return int(labels[i]) })
	})
	t.Run("png", func(t *testing.T) {
		dir, _ := export(t, Options{Run: run, N: 20, Class: 3, Format: "png"})
		names, _ := filepath.Glob(filepath.Join(dir, "*-class3.png"))
		if len(names) != 20 {
			t.Fatalf("%d files *-class3.png, want 20", len(names))
		}
		if filepath.Base(names[0]) != "00-class3.png" {
			t.Errorf("first file %s, want 00-class3.png", filepath.Base(names[0]))
		}
		f, err := os.Open(names[0])
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := png.Decode(f); err != nil {
			t.Error(err)
		}
	})
}

// checkLabels checks that there are 300 labels, label(i) = i mod 10.
func checkLabels(t *testing.T, n int, label func(int) int) {
	t.Helper()
	if n != 300 {
		t.Fatalf("%d labels, want 300", n)
	}
	for i := range n {
		if label(i) != i%10 {
			t.Fatalf("label %d is %d, want %d", i, label(i), i%10)
		}
	}
}

// readNPY parses an NPY v1.0 file: its dtype and shape (as written in the
// header) and the payload, checking the magic, the header's padding to 64
// bytes and C order.
func readNPY(t *testing.T, path string) (descr, shape string, payload []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("%s: no NPY 1.0 magic", path)
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+hl)%64 != 0 || b[10+hl-1] != '\n' {
		t.Errorf("%s: header of %d bytes does not end on a 64-byte boundary with a newline", path, hl)
	}
	h := string(b[10 : 10+hl])
	m := regexp.MustCompile(`^\{'descr': '([^']+)', 'fortran_order': False, 'shape': (\([^)]*\)), \} *\n$`).FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("%s: header %q is not a C-order array dict", path, h)
	}
	return m[1], m[2], b[10+hl:]
}

// TestSameSeedSameBytes: the same seed gives byte-identical files, whatever
// the output directory; another seed gives other images.
func TestSameSeedSameBytes(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsCGAN)
	read := func(seed int64, format, file string) []byte {
		dir, _ := export(t, Options{Run: run, N: 1234, Seed: seed, Format: format})
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range []struct{ format, file string }{{"idx", idxImages}, {"npy", npyImages}, {"csv", csvImages}} {
		a, b := read(7, f.format, f.file), read(7, f.format, f.file)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two exports with seed 7 differ", f.format)
		}
		if bytes.Equal(a, read(8, f.format, f.file)) {
			t.Errorf("%s: seeds 7 and 8 give the same bytes", f.format)
		}
	}
}

// TestVAEAndOptions: an unconditional VAE exports images without labels and
// refuses --class; a conditional GAN refuses a class it does not have, and
// -n that disagrees with --per-class; the out directory follows the run
// directory rule.
func TestVAEAndOptions(t *testing.T) {
	vae := explaintest.Train(t, explaintest.DigitsVAE(2, 1))
	dir, _ := export(t, Options{Run: vae, N: 50, Format: "npy"})
	if _, err := os.Stat(filepath.Join(dir, npyLabels)); !os.IsNotExist(err) {
		t.Errorf("an unconditional export wrote %s (err %v)", npyLabels, err)
	}
	if _, shape, _ := readNPY(t, filepath.Join(dir, npyImages)); shape != "(50, 1, 8, 8)" {
		t.Errorf("VAE images.npy shape %s, want (50, 1, 8, 8)", shape)
	}
	gan := explaintest.Train(t, explaintest.DigitsCGAN)
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.csv"), []byte("a\n1\n"), 0o644)
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Run: vae, N: 5, Class: 2}, "conditional GAN"},
		{Options{Run: gan, N: 5, Class: 10}, "not a class"},
		{Options{Run: gan, N: 50, PerClass: 3}, "disagree"},
		{Options{Run: gan}, "nothing to generate"},
		{Options{Run: gan, N: 5, Out: foreign}, "not a genxai run"},
	} {
		c.o.Format = "idx"
		if c.o.Class == 0 {
			c.o.Class = -1
		}
		if c.o.Out == "" {
			c.o.Out = t.TempDir()
		}
		_, err := Export(context.Background(), c.o, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Export(%+v) = %v, want an error saying %q", c.o, err, c.want)
		}
	}
}

// TestJudge: a classifier run scores the export; the agreement is a share.
func TestJudge(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsCGAN)
	judge := explaintest.Train(t, explaintest.ClassifierMLP)
	_, s := export(t, Options{Run: run, PerClass: 20, Judge: judge})
	acc, ok := s["judge_agreement"].(float64)
	if !ok || acc < 0 || acc > 1 {
		t.Fatalf("judge_agreement %v, want a share in [0, 1]", s["judge_agreement"])
	}
	per := s["judge_agreement_per_class"].(map[string]float64)
	if len(per) != 10 {
		t.Errorf("agreement for %d classes, want 10", len(per))
	}
	if _, err := Export(context.Background(), Options{Run: run, N: 5, Class: -1, Format: "idx", Out: t.TempDir(), Judge: run}, nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "classifier") {
		t.Errorf("a GAN run as judge: %v, want an error asking for a classifier", err)
	}
}
