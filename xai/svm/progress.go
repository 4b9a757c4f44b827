package svm

import (
	"context"
	"fmt"
	"sync"

	"genxai/xai/progress"
)

// smoWatch follows the SMO solvers of one fit: every checkEvery iterations
// a solver adds its iterations, reports progress (iterations so far,
// one-vs-one problems finished, the running problem's dual objective; the
// ETA from the share of problems finished) and learns whether the fit was
// cancelled. A nil *smoWatch never stops and reports nothing.
type smoWatch struct {
	ctx      context.Context
	meter    *progress.Meter
	problems int // one-vs-one problems in the fit

	mu       sync.Mutex
	iters    int64
	finished int
}

// checkEvery is how many SMO iterations pass between two checks.
const checkEvery = 1000

// step adds n iterations of a running solver whose current dual objective
// is obj() (evaluated only when a line is due) and reports whether the fit
// must stop.
func (w *smoWatch) step(n int, obj func() float64) bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	w.iters += int64(n)
	iters, finished := w.iters, w.finished
	w.mu.Unlock()
	if w.meter.Due() {
		w.meter.Report(int64(finished), int64(w.problems), "one-vs-one problems",
			fmt.Sprintf("%d SMO iterations, dual objective of a running problem %.6g", iters, obj()), false)
	}
	return w.ctx != nil && w.ctx.Err() != nil
}

// finish records that one binary problem is solved.
func (w *smoWatch) finish() {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.finished++
	w.mu.Unlock()
}

// interrupted returns a *progress.Interrupted when the fit's context was
// cancelled.
func (w *smoWatch) interrupted() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	done := fmt.Sprintf("%d of %d one-vs-one problems solved, %d SMO iterations", w.finished, w.problems, w.iters)
	w.mu.Unlock()
	return progress.Check(w.ctx, "svm", done)
}
