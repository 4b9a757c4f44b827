package glassbox

import (
	"fmt"
	"math"
	"sync"

	"genxai/xai/progress"
)

// bagTracker turns the rounds of bags boosted in parallel into progress
// lines: work is counted in rounds, a bag that stopped early counting as all
// of its MaxRounds, so the ETA is an upper bound.
type bagTracker struct {
	mu       sync.Mutex
	meter    *progress.Meter
	stage    string
	maxRound int
	rounds   []int
	finished []bool
	loss     []float64
}

func newBagTracker(meter *progress.Meter, stage string, bags, maxRound int) *bagTracker {
	return &bagTracker{meter: meter, stage: stage, maxRound: maxRound,
		rounds: make([]int, bags), finished: make([]bool, bags), loss: make([]float64, bags)}
}

// tick returns bag b's round callback.
func (t *bagTracker) tick(b int) roundFunc {
	return func(round int, valLoss float64) {
		t.mu.Lock()
		t.rounds[b], t.loss[b] = round, valLoss
		t.mu.Unlock()
		t.report()
	}
}

// finish marks bag b as done.
func (t *bagTracker) finish(b int) {
	t.mu.Lock()
	t.finished[b] = true
	t.mu.Unlock()
	t.report()
}

func (t *bagTracker) report() {
	if t.meter == nil {
		return
	}
	t.mu.Lock()
	var done int64
	nf, running, sum := 0, 0, 0.0
	for b, r := range t.rounds {
		if t.finished[b] {
			done += int64(t.maxRound)
			nf++
			continue
		}
		done += int64(r)
		if r > 0 && !math.IsNaN(t.loss[b]) {
			running++
			sum += t.loss[b]
		}
	}
	detail := fmt.Sprintf("%s, %d/%d bags finished", t.stage, nf, len(t.rounds))
	if running > 0 {
		detail += fmt.Sprintf(", validation loss %.5g", sum/float64(running))
	}
	total := int64(t.maxRound) * int64(len(t.rounds))
	t.mu.Unlock()
	t.meter.Report(done, total, "rounds", detail, true)
}

// state says how far the bags got, for an interruption message.
func (t *bagTracker) state() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	nf := 0
	for _, f := range t.finished {
		if f {
			nf++
		}
	}
	return fmt.Sprintf("%s: %d of %d bags finished", t.stage, nf, len(t.rounds))
}
