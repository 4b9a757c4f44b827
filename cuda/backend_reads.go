package cuda

import (
	"fmt"

	"genxai/engine"
)

// Read backs that do not make the host wait (engine.StepReader): inside a
// captured step the copy of each value the plan reads back is a node of the
// graph, into the read backs of the step's pinned set; ReadResults waits
// for the event of that set's launch and copies them out. A step that runs
// call by call (the warm-up, or capture off) reads back at once, into host
// memory kept per set. docs/cuda-host.md describes it.

// ReadBack copies src into host memory kept for the step in progress
// (engine.StepReader); it must be called inside a step, after its program.
func (b *Backend) ReadBack(src engine.Buffer) {
	p := b.ptr("ReadBack", src, -1)
	g, n := b.cur.g, src.Len()
	if g == nil {
		panic("cuda: ReadBack outside a plan's step (between BeginStep and EndStep, or the step run again after EndStep)")
	}
	i := b.cur.read
	b.cur.read++
	switch b.cur.mode {
	case stepAbandoned:
		return
	case stepCapture, stepReplay:
		if i >= len(g.reads) || g.reads[i].src != p || g.reads[i].n != n {
			b.abandon(fmt.Sprintf("read back %d differs from the warm-up's", i))
			return
		}
		if r := g.reads[i]; b.cur.mode == stepCapture && n > 0 {
			at := g.readAt() + 4*r.at
			b.fail(b.ctx.CopyDtoH(g.set(b.cur.set)[at:at+4*n], p, b.stream))
		}
		return
	case stepWarm:
		g.reads = append(g.reads, stepRead{src: p, at: b.cur.readAt, n: n})
	}
	at, set := b.cur.readAt, b.cur.set
	b.cur.readAt += n
	h := &g.host[set]
	if len(*h) < at+n {
		*h = append(*h, make([]float32, at+n-len(*h))...)
	}
	b.Download((*h)[at:at+n], src) // an error stays in b.err for ReadResults
	g.sets[set] = setUse{run: g.runs, n: at + n, eager: true}
}

// ReadResults copies the read backs of the run-th step of plan key into
// dst, after waiting for that step's launch to finish (engine.StepReader).
// The plan's two latest steps keep theirs.
func (b *Backend) ReadResults(key any, run int, dst []float32) error {
	g := b.steps[key]
	if g == nil {
		return fmt.Errorf("cuda backend: ReadResults of a plan that has run no step")
	}
	i := run % stepSets
	s := &g.sets[i]
	if run <= 0 || s.run != run {
		return fmt.Errorf("cuda backend: the read backs of the plan's step %d are gone (its last %d steps keep theirs, this set now holds step %d's); read a step's values before the step after next", run, stepSets, s.run)
	}
	if s.n != len(dst) {
		return fmt.Errorf("cuda backend: step %d read back %d values, ReadResults was given room for %d", run, s.n, len(dst))
	}
	if b.failed() || !b.waitSet(g, i) {
		return b.err
	}
	if s.eager {
		copy(dst, g.host[i])
	} else {
		at := g.readAt()
		copy(dst, BytesFloat32(g.set(i)[at:at+4*s.n]))
	}
	return nil
}

// keepReads copies the read backs that g's pinned sets hold into host
// memory (waiting for their launches), before freeStep releases the sets.
func (b *Backend) keepReads(g *stepGraph) {
	for i := range g.sets {
		s := &g.sets[i]
		if s.run == 0 || s.eager || g.pinned == nil || !b.waitSet(g, i) {
			continue
		}
		at := g.readAt()
		g.host[i] = append(g.host[i][:0], BytesFloat32(g.set(i)[at:at+4*s.n])...)
		s.eager = true
	}
}
