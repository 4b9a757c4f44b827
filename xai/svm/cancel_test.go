package svm

import (
	"context"
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"

	"genxai/xai/progress"
)

// cancelOnWrite is a progress writer that records the lines and cancels the
// fit at the first one.
type cancelOnWrite struct {
	cancel context.CancelFunc
	lines  []string
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.lines = append(c.lines, string(p))
	c.cancel()
	return len(p), nil
}

// TestFitProgressAndCancel: an SMO fit reports its iterations and dual
// objective and stops, with an Interrupted error wrapping context.Canceled,
// when its context is cancelled (here by the first progress line).
func TestFitProgressAndCancel(t *testing.T) {
	X, y := blobs(rand.New(rand.NewSource(1)), 3000, 4, 2, 0.3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelOnWrite{cancel: cancel}
	meter := progress.New(w, "svm")
	meter.Delay, meter.Interval = 0, time.Hour
	_, err := FitContext(ctx, X, 3000, 4, y, Params{Kernel: "rbf", C: 100, Workers: 1}, meter)
	if !errors.Is(err, context.Canceled) || !progress.IsInterrupted(err) {
		t.Fatalf("err = %v, want an interruption", err)
	}
	if len(w.lines) != 1 || !strings.Contains(w.lines[0], "SMO iterations") || !strings.Contains(w.lines[0], "dual objective") {
		t.Errorf("progress lines: %q", w.lines)
	}
}
