package generate

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"genxai/xai/explain/explaintest"
)

// tinyLM trains a 2-layer character transformer for a few steps on the
// project's corpus and returns its run directory.
func tinyLM(t *testing.T) string {
	t.Helper()
	corpus, err := filepath.Abs("../../data/corpus/genxai.txt")
	if err != nil {
		t.Fatal(err)
	}
	return explaintest.Train(t, `
model: {kind: lm, block: 16, layers: 1, heads: 2, embed: 16, dropout: 0.0}
seed: 1
device: cpu
data: {path: "`+corpus+`"}
train: {steps: 5, batch_size: 4, lr: 3.0e-3}
`)
}

// unescape undoes textEscaper.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\r`, "\r").Replace(s)
}

// TestTextExport: -n 6 --tokens 25 writes six lines of samples.txt, each 25
// characters once unescaped and none holding a raw newline; --one-per-file
// writes six files of the same texts (the format defaulting to txt); the same seed gives the same text.
func TestTextExport(t *testing.T) {
	run := tinyLM(t)
	o := Options{Run: run, N: 6, Tokens: 25, Prompt: "The ", Temperature: 1, Class: -1, Seed: 3, Format: "txt"}
	dir, _ := export(t, o)
	b, err := os.ReadFile(filepath.Join(dir, textSamples))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6", len(lines))
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(unescape(l)); n != 25 {
			t.Errorf("sample %d: %d characters, want 25: %q", i, n, l)
		}
	}
	// No --format: a language model's default is txt.
	o.OnePerFile, o.Format, o.Out = true, "", t.TempDir()
	if _, err := Export(context.Background(), o, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	dir = o.Out
	for i, l := range lines {
		got, err := os.ReadFile(filepath.Join(dir, "sample-"+string(rune('0'+i))+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != unescape(l) {
			t.Errorf("sample %d: file %q, line %q", i, got, l)
		}
	}
}

// TestTextExportErrors: --format txt on an image run, an image format, a
// class or no count on a language model, and an unknown prompt character
// are refused with what to do.
func TestTextExportErrors(t *testing.T) {
	lm, gan := tinyLM(t), explaintest.Train(t, explaintest.DigitsCGAN)
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Run: gan, N: 5, Class: -1, Format: "txt"}, "--format txt writes a language model's text"},
		{Options{Run: lm, N: 5, Tokens: 5, Class: -1, Format: "idx"}, "use --format txt"},
		{Options{Run: lm, N: 5, Tokens: 5, Class: 1, Format: "txt"}, "no classes"},
		{Options{Run: lm, Tokens: 5, Class: -1, Format: "txt"}, "nothing to generate"},
		{Options{Run: lm, N: 1, Tokens: 5, Class: -1, Format: "txt", Prompt: "\x01"}, "never saw"},
	} {
		tc.o.Out = filepath.Join(t.TempDir(), "out")
		var out bytes.Buffer
		_, err := Export(context.Background(), tc.o, nil, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.o, err, tc.want)
		}
	}
}
