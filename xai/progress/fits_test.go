package progress_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"genxai/xai/gmm"
	"genxai/xai/progress"
	"genxai/xai/svm"
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

// TestFitsReportAndStop: the GMM's EM and the SVM's SMO report progress and
// stop, with an Interrupted error wrapping context.Canceled, when their
// context is cancelled (here by the first progress line).
func TestFitsReportAndStop(t *testing.T) {
	const n, d = 3000, 4
	r := rand.New(rand.NewPCG(1, 2))
	X := make([]float64, n*d)
	y := make([]int, n)
	for i := range y {
		y[i] = i % 2
		for j := 0; j < d; j++ {
			X[i*d+j] = r.NormFloat64() + 0.3*float64(y[i])
		}
	}
	cases := []struct {
		name string
		fit  func(context.Context, *progress.Meter) error
		want []string
	}{
		{"gmm", func(ctx context.Context, m *progress.Meter) error {
			_, err := gmm.FitContext(ctx, X, n, d, gmm.Params{Components: 3, Covariance: gmm.Full, NInit: 3, Tol: -1}, m)
			return err
		}, []string{"gmm: ", "run 1/3"}},
		{"svm", func(ctx context.Context, m *progress.Meter) error {
			_, err := svm.FitContext(ctx, X, n, d, y, svm.Params{Kernel: "rbf", C: 100, Workers: 1}, m)
			return err
		}, []string{"svm: ", "SMO iterations", "dual objective"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &cancelOnWrite{cancel: cancel}
			meter := progress.New(w, c.name)
			meter.Delay, meter.Interval = 0, time.Hour
			err := c.fit(ctx, meter)
			if !errors.Is(err, context.Canceled) || !progress.IsInterrupted(err) {
				t.Fatalf("err = %v, want an interruption", err)
			}
			if len(w.lines) != 1 {
				t.Fatalf("progress lines: %q", w.lines)
			}
			for _, s := range c.want {
				if !strings.Contains(w.lines[0], s) {
					t.Errorf("progress line %q lacks %q", w.lines[0], s)
				}
			}
		})
	}
}
