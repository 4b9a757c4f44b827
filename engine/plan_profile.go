package engine

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// watch collects the plans built while it is on: the profile's
// (StartProfile) and the cost count's (StartCounting).
type watch struct {
	sync.Mutex
	on    bool
	plans []*Plan
}

// start turns w on with no plans.
func (w *watch) start() {
	w.Lock()
	defer w.Unlock()
	w.on, w.plans = true, nil
}

// stop turns w off and returns the plans it collected.
func (w *watch) stop() []*Plan {
	w.Lock()
	defer w.Unlock()
	ps := w.plans
	w.on, w.plans = false, nil
	return ps
}

// add collects p while w is on and reports whether it did.
func (w *watch) add(p *Plan) bool {
	w.Lock()
	defer w.Unlock()
	if w.on {
		w.plans = append(w.plans, p)
	}
	return w.on
}

// profiled are the plans built since StartProfile, for StopProfile.
var profiled watch

// StartProfile makes every plan built from now on time its program steps
// (see Plan.Profile), until StopProfile: the step benchmarks of models use
// it (-plan-profile) to say which kernels a whole training step spends its
// time in, whatever the model's plans.
func StartProfile() { profiled.start() }

// StopProfile ends what StartProfile began and returns the times of every
// plan built since, summed by step name, longest first.
func StopProfile() []InstrTime {
	var all []InstrTime
	for _, p := range profiled.stop() {
		all = append(all, p.Times()...)
	}
	return sumTimes(all)
}

// profileIfStarted turns profiling on for a new plan while StartProfile
// holds.
func (p *Plan) profileIfStarted() {
	if profiled.add(p) {
		p.Profile(true)
	}
}

// InstrTime is the time a plan spent in the program steps of one name
// (a kernel call such as "chain Add (3 ops)", "gemm 64×196×576" or a
// lowered op's name) since profiling began.
type InstrTime struct {
	Name  string
	Calls int
	Time  time.Duration
}

// Profile starts (on) or stops timing every program step of the plan;
// starting it clears what was recorded. Each step is timed after a Sync of
// the backend, so a profiled run is slower on a backend that queues
// kernels; on the CPU the steps are synchronous and the times are theirs.
func (p *Plan) Profile(on bool) {
	p.times = nil
	if on {
		p.times = make([]time.Duration, len(p.prog))
		p.calls = make([]int, len(p.prog))
	}
}

// Times returns the recorded time per step name, longest first.
func (p *Plan) Times() []InstrTime {
	steps := make([]InstrTime, len(p.times))
	for i, d := range p.times {
		steps[i] = InstrTime{Name: p.prog[i].name, Calls: p.calls[i], Time: d}
	}
	return sumTimes(steps)
}

// sumTimes sums times of the same name, longest first.
func sumTimes(times []InstrTime) []InstrTime {
	by := map[string]*InstrTime{}
	for _, t := range times {
		s := by[t.Name]
		if s == nil {
			s = &InstrTime{Name: t.Name}
			by[t.Name] = s
		}
		s.Calls += t.Calls
		s.Time += t.Time
	}
	out := make([]InstrTime, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Time > out[j].Time || out[i].Time == out[j].Time && out[i].Name < out[j].Name
	})
	return out
}

// WriteTimes writes the top steps of Times as a table: share of the
// total, total and per-call time, calls, name.
func WriteTimes(w io.Writer, times []InstrTime, top int) {
	var total time.Duration
	for _, t := range times {
		total += t.Time
	}
	fmt.Fprintf(w, "%6s %10s %10s %6s  %s\n", "share", "total", "per call", "calls", "step")
	for i, t := range times {
		if i == top {
			break
		}
		per := time.Duration(0)
		if t.Calls > 0 {
			per = t.Time / time.Duration(t.Calls)
		}
		fmt.Fprintf(w, "%5.1f%% %10v %10v %6d  %s\n", 100*float64(t.Time)/float64(max(total, 1)), t.Time.Round(time.Microsecond), per.Round(time.Microsecond), t.Calls, t.Name)
	}
}

// runTimed runs program step i, timing it when profiling.
func (p *Plan) runTimed(i int) error {
	if p.times == nil {
		return p.prog[i].run(p)
	}
	start := time.Now()
	err := p.prog[i].run(p)
	if serr := p.be.Sync(); err == nil {
		err = serr
	}
	p.times[i] += time.Since(start)
	p.calls[i]++
	return err
}
