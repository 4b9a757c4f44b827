// Package explaintest trains the tiny models that the tests of the
// explanation packages explain, and checks the pictures they write.
package explaintest

import (
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"genxai/engine"
	"genxai/models"
	"genxai/nets"
	"genxai/train"

	G "gorgonia.org/gorgonia"
)

var (
	mu    sync.Mutex
	cache = map[string]string{}
)

// Main runs a package's tests (call it from TestMain) and then removes the
// run directories Train made.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	for _, dir := range cache {
		os.RemoveAll(dir)
	}
	mu.Unlock()
	os.Exit(code)
}

// Tape builds graphs' executors with Gorgonia's TapeMachine, for tests that
// build a Scorer over a graph of their own (outside any run directory).
func Tape(n *nets.Net, learn ...*G.Node) (engine.Executor, error) {
	return train.NewExecutor("tape", n, learn, nil)
}

// Train trains the model the YAML training config describes into a fresh
// run directory and returns its path. Runs are cached by config text for the
// life of the test binary, so several tests can share one; Main removes them.
func Train(t testing.TB, yaml string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if dir, ok := cache[yaml]; ok {
		return dir
	}
	c, err := models.ParseConfig("test config", []byte(yaml), nil)
	if err != nil {
		t.Fatalf("test config: %v", err)
	}
	dir, err := os.MkdirTemp("", "genxai-explain-run-")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.Train(context.Background(), train.Request{Config: c, OutDir: dir, Log: io.Discard}); err != nil {
		t.Fatalf("training the test model: %v", err)
	}
	cache[yaml] = dir
	return dir
}

// CheckPNG reads the PNG at path, checks that it is at least minW×minH
// pixels and that its pixels are not all one colour, and returns it.
func CheckPNG(t testing.TB, path string, minW, minH int) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	b := img.Bounds()
	if b.Dx() < minW || b.Dy() < minH {
		t.Errorf("%s is %d×%d, want at least %d×%d", filepath.Base(path), b.Dx(), b.Dy(), minW, minH)
	}
	colours := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 1 {
		for x := b.Min.X; x < b.Max.X; x += 1 {
			r, g, bb, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bb, a}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("%s has %d distinct colours: the picture is (nearly) constant", filepath.Base(path), len(colours))
	}
	return img
}
