package gmm

import (
	"context"
	"errors"
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

// TestFitProgressAndCancel: EM reports its restart and iteration and stops,
// with an Interrupted error wrapping context.Canceled, when its context is
// cancelled (here by the first progress line).
func TestFitProgressAndCancel(t *testing.T) {
	X, _, _ := threeComponents(600, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelOnWrite{cancel: cancel}
	meter := progress.New(w, "gmm")
	meter.Delay, meter.Interval = 0, time.Hour
	_, err := FitContext(ctx, X, 600, 2, Params{Components: 3, Covariance: Full, NInit: 3, Tol: -1}, meter)
	if !errors.Is(err, context.Canceled) || !progress.IsInterrupted(err) {
		t.Fatalf("err = %v, want an interruption", err)
	}
	if len(w.lines) != 1 || !strings.Contains(w.lines[0], "gmm: ") || !strings.Contains(w.lines[0], "run 1/3") {
		t.Errorf("progress lines: %q", w.lines)
	}
}
