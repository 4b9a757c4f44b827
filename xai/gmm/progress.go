package gmm

import (
	"context"
	"fmt"

	"genxai/xai/progress"
)

// fitState carries a fit's cancellation and progress reporting into the
// restarts, the k-means initialization and the EM iterations. Work is
// counted in EM iterations, NInit × MaxIter in all (an upper bound: a run
// that converges counts as all of its iterations once it ends).
type fitState struct {
	ctx   context.Context
	meter *progress.Meter
	p     Params
	run   int // 0-based restart in progress
}

// check returns a *progress.Interrupted once the context is cancelled.
func (s *fitState) check(where string) error {
	if s == nil {
		return nil
	}
	return progress.Check(s.ctx, "gmm", fmt.Sprintf("run %d of %d, %s", s.run+1, s.p.NInit, where))
}

// iteration reports EM iteration it of the current run and its lower bound.
func (s *fitState) iteration(it int, lower float64) {
	if s == nil {
		return
	}
	done := int64(s.run)*int64(s.p.MaxIter) + int64(it)
	s.meter.Report(done, int64(s.p.NInit)*int64(s.p.MaxIter), "EM iterations",
		fmt.Sprintf("run %d/%d, mean log-likelihood %.6g", s.run+1, s.p.NInit, lower), true)
}

// initStep reports the k-means initialization of the current run.
func (s *fitState) initStep(what string) {
	if s == nil {
		return
	}
	done := int64(s.run) * int64(s.p.MaxIter)
	s.meter.Report(done, int64(s.p.NInit)*int64(s.p.MaxIter), "EM iterations",
		fmt.Sprintf("run %d/%d, initialization: %s", s.run+1, s.p.NInit, what), true)
}
