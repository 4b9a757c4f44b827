package cuda

import (
	"encoding/binary"
	"fmt"
	"log"

	"genxai/engine"
)

// A plan's step on the CUDA backend (engine.StepCapturer, engine.StepReader):
// the first Run of a plan runs eagerly and records its uploads, per-step
// scalar slots and read backs; the second and the third are captured into
// two CUDA graphs (BeginCapture … EndCapture, Instantiate), one for each of
// two sets of pinned memory, and launched; later ones skip every call,
// only writing the batch and the step's scalars into the pinned set of the
// step (the runs alternate between the two), and EndStep replays that
// set's graph. Before writing a set the host waits for the event recorded
// after the set's last replay, not for the stream, so it prepares step t+1
// while the device runs step t. Anything the graph cannot hold (an
// allocation, a wait, a read back through Download, a call sequence that
// differs from the captured one) abandons the step, which the plan then
// runs again eagerly, and turns capture off for that plan with one log
// line. docs/cuda-host.md describes it.

var _ engine.StepReader = (*Backend)(nil)

// stepWords is the number of 32-bit words of one call's per-step scalars
// (one slot): random_fill's key words, update_sgd's learning rate,
// update_adam's step size, √(1−β₂ᵗ) and decay.
const stepWords = 8

// slotBytes is the size of one scalar slot.
const slotBytes = 4 * stepWords

// stepSets is the number of sets of pinned memory (and of graphs) a
// captured plan alternates between: two, so that the host writes one while
// the device replays the other.
const stepSets = 2

// stepMode is what the backend does with the calls made inside a step.
type stepMode uint8

const (
	stepEager     stepMode = iota // no step, or capture off: every call runs at once
	stepWarm                      // a plan's first step: runs at once, records uploads and slots
	stepCapture                   // its second: recorded into a graph
	stepReplay                    // later ones: calls write their data only; EndStep replays
	stepAbandoned                 // capture or replay given up: calls are skipped, the plan runs the step again
)

// stepGraph is one plan's captured step and what it needs.
type stepGraph struct {
	runs    int
	off     string       // why capture is off for this plan ("" while on)
	uploads []stepUpload // the step's uploads in order, from the warm-up
	reads   []stepRead   // the step's read backs in order, from the warm-up
	slots   int          // scalar slots one step uses
	pinned  []byte       // stepSets sets of setBytes: uploads, scalar slots, read backs
	scalars DevicePtr    // the scalar slots on the device
	exec    [stepSets]GraphExec
	done    [stepSets]Event     // recorded after each launch of exec[i]
	sets    [stepSets]setUse    // which step's read backs each set holds
	host    [stepSets][]float32 // read backs of steps run call by call, by set
	ops     []string            // the captured calls in order (a replay must make the same)
}

// stepUpload is one upload of a step into its fixed pinned slot.
type stepUpload struct {
	dst       DevicePtr
	bytes, at int // at: offset in a pinned set
}

// stepRead is one read back of a step: n values of the device buffer src
// into the set's read backs from value at.
type stepRead struct {
	src   DevicePtr
	at, n int
}

// setUse is what a set of a plan holds for ReadResults.
type setUse struct {
	run     int  // the plan's step whose read backs it holds (0: none)
	n       int  // how many values
	eager   bool // they are in stepGraph.host (the step ran call by call)
	pending bool // its graph was launched and done not waited for since
}

// stepState is the step in progress.
type stepState struct {
	g                *stepGraph
	mode             stepMode
	set              int    // the pinned set (and graph) of the step: runs % stepSets
	upload, slot, op int    // positions in the step
	read, readAt     int    // read backs made and values read back so far
	broken           string // why the step was abandoned
}

// scalarAt is the offset of the scalar slots in a set.
func (g *stepGraph) scalarAt() int {
	if len(g.uploads) == 0 {
		return 0
	}
	u := g.uploads[len(g.uploads)-1]
	return (u.at + u.bytes + 255) &^ 255
}

// readAt is the offset of the read backs in a set.
func (g *stepGraph) readAt() int { return (g.scalarAt() + slotBytes*g.slots + 255) &^ 255 }

// readValues is the number of values a step reads back.
func (g *stepGraph) readValues() int {
	if len(g.reads) == 0 {
		return 0
	}
	r := g.reads[len(g.reads)-1]
	return r.at + r.n
}

// setBytes is the size of one pinned set.
func (g *stepGraph) setBytes() int { return (g.readAt() + 4*g.readValues() + 255) &^ 255 }

// set returns pinned set i.
func (g *stepGraph) set(i int) []byte {
	n := g.setBytes()
	return g.pinned[i*n : (i+1)*n : (i+1)*n]
}

// BeginStep starts a step of the plan key (engine.StepCapturer). capturable
// is false for a plan that runs ops on the host; capture is then off for it.
func (b *Backend) BeginStep(key any, capturable bool) {
	g := b.steps[key]
	if g == nil {
		g = &stepGraph{}
		b.steps[key] = g
	}
	g.runs++
	b.cur = stepState{g: g, set: g.runs % stepSets}
	set := b.cur.set
	switch {
	case b.failed() || g.off != "" || b.eager:
	case !capturable:
		b.disable(g, "the plan runs ops on the host")
	case g.exec[set] != 0:
		if b.waitSet(g, set) { // its last replay may still read the set
			b.cur.mode = stepReplay
		}
	case g.runs == 1:
		b.cur.mode = stepWarm
	default:
		if err := b.prepareCapture(g); err != nil {
			b.disable(g, err.Error())
			return
		}
		b.cur.mode = stepCapture
		if g.slots > 0 { // the graph's first node: this step's scalars
			at := g.scalarAt()
			b.fail(b.ctx.CopyHtoD(g.scalars, g.set(set)[at:at+slotBytes*g.slots], b.stream))
		}
	}
}

// waitSet waits for the last launch of g's graph i (the event recorded
// after it, not the whole stream); it reports whether the backend is still
// usable.
func (b *Backend) waitSet(g *stepGraph, i int) bool {
	if g.sets[i].pending {
		if b.fail(b.ctx.SyncEvent(g.done[i])) {
			return false
		}
		g.sets[i].pending = false
	}
	return true
}

// prepareCapture allocates g's fixed memory and events at its first capture
// (before it: a capture forbids allocation) and begins capturing the stream.
func (b *Backend) prepareCapture(g *stepGraph) error {
	if g.pinned == nil {
		var err error
		if g.pinned, err = b.ctx.AllocHost(max(stepSets*g.setBytes(), 1)); err != nil {
			return err
		}
		if g.slots > 0 {
			if g.scalars, err = b.ctx.Alloc(slotBytes * g.slots); err != nil {
				return err
			}
		}
		for i := range g.done {
			if g.done[i], err = b.ctx.NewEvent(false); err != nil { // only waited on
				return err
			}
		}
	}
	return b.ctx.BeginCapture(b.stream)
}

// EndStep ends the step of key (engine.StepCapturer): after a capture it
// instantiates the step's graph and launches it, after a replayed step it
// launches the graph of the step's set. again is true when the step was
// abandoned and must run again (eagerly: capture is then off for the plan;
// its calls until the next BeginStep belong to it, so read backs are kept).
func (b *Backend) EndStep(key any) (again bool, err error) {
	cur := b.cur
	b.cur = stepState{}
	g := cur.g
	if g == nil || b.steps[key] != g {
		return false, fmt.Errorf("cuda backend: EndStep of a plan whose step did not begin")
	}
	var broken string
	switch cur.mode {
	case stepWarm:
		g.slots = cur.slot
	case stepCapture:
		graph, err := b.ctx.EndCapture(b.stream)
		if err == nil {
			err = g.differs(cur)
		}
		if err == nil {
			g.exec[cur.set], err = b.ctx.Instantiate(graph)
		}
		if graph != 0 {
			err = errJoin(err, b.ctx.DestroyGraph(graph))
		}
		if err == nil {
			return false, b.launchSet(g, cur.set)
		}
		broken = err.Error()
	case stepReplay:
		if err := g.differs(cur); err != nil {
			broken = err.Error()
		} else {
			return false, b.launchSet(g, cur.set)
		}
	case stepAbandoned:
		broken = cur.broken
	}
	if broken == "" {
		return false, nil
	}
	b.disable(g, broken)
	b.cur = stepState{g: g, set: cur.set}
	return true, nil
}

// differs says how the step cur made other calls, uploads or read backs
// than the captured one (nil when it did not).
func (g *stepGraph) differs(cur stepState) error {
	if cur.op != len(g.ops) || cur.upload != len(g.uploads) || cur.read != len(g.reads) {
		return fmt.Errorf("the step made %d calls, %d uploads and %d read backs, the captured one %d, %d and %d",
			cur.op, cur.upload, cur.read, len(g.ops), len(g.uploads), len(g.reads))
	}
	return nil
}

// launchSet launches g's graph i and records its event.
func (b *Backend) launchSet(g *stepGraph, i int) error {
	if b.fail(b.ctx.LaunchGraph(g.exec[i], b.stream)) || b.fail(b.ctx.RecordEvent(g.done[i], b.stream)) {
		return b.err
	}
	g.sets[i] = setUse{run: g.runs, n: g.readValues(), pending: true}
	b.replays++
	return nil
}

// ReleaseStep frees what the backend keeps for the plan key (its graph and
// fixed memory); plans call it when they close (engine.StepCapturer).
func (b *Backend) ReleaseStep(key any) error {
	g := b.steps[key]
	if g == nil {
		return nil
	}
	delete(b.steps, key)
	return b.freeStep(g)
}

// Replays is the number of graph launches so far: one per step after a
// plan's first (the captured step is launched as a graph too).
func (b *Backend) Replays() int { return b.replays }

// freeStep releases g's graphs, events and fixed memory.
func (b *Backend) freeStep(g *stepGraph) error {
	var errs []error
	for i := range g.exec {
		if g.exec[i] != 0 {
			errs = append(errs, b.ctx.DestroyGraphExec(g.exec[i]))
			g.exec[i] = 0
		}
		if g.done[i] != 0 {
			errs = append(errs, b.ctx.DestroyEvent(g.done[i]))
			g.done[i] = 0
		}
	}
	if g.pinned != nil {
		errs = append(errs, b.ctx.FreeHost(g.pinned))
		g.pinned = nil
	}
	if g.scalars != 0 {
		errs = append(errs, b.ctx.Free(g.scalars))
		g.scalars = 0
	}
	g.ops = nil
	return errJoin(errs...)
}

// disable turns capture off for g's plan, saying why once.
func (b *Backend) disable(g *stepGraph, why string) {
	if g.off == "" {
		log.Printf("cuda: the plan's step is not captured into a CUDA graph (%s); it runs call by call", why)
		g.off = why
	}
	b.keepReads(g)
	b.fail(b.freeStep(g))
}

// abandon gives up the step in progress: a capture ends (its graph is
// dropped), and later calls of the step are skipped; EndStep then asks the
// plan to run the step again.
func (b *Backend) abandon(why string) {
	switch b.cur.mode {
	case stepCapture:
		if graph, err := b.ctx.EndCapture(b.stream); err == nil && graph != 0 {
			b.ctx.DestroyGraph(graph)
		}
	case stepReplay:
	default:
		return
	}
	b.cur.mode, b.cur.broken = stepAbandoned, why
}

// leaveStep abandons a captured or replayed step before a call that a graph
// cannot hold (what names it).
func (b *Backend) leaveStep(what string) {
	if b.cur.mode == stepCapture || b.cur.mode == stepReplay {
		b.abandon(what + " inside the step")
	}
}

// issue reports whether the step's call op (a kernel or copy name) goes to
// the driver now: it does while eager or capturing (recorded for the
// replays' check), and is checked against the captured sequence and skipped
// while replaying (the graph makes it). Kernel methods ask it (through
// Backend.kernel) before building a launch's arguments, so a replayed call
// costs its operand checks and this one, and allocates nothing.
func (b *Backend) issue(op string) bool {
	switch b.cur.mode {
	case stepCapture:
		if !b.cur.g.captured() {
			b.cur.g.ops = append(b.cur.g.ops, op)
			b.cur.op++
		} else if !b.sameOp(op) {
			return false
		}
	case stepReplay:
		b.sameOp(op)
		return false
	case stepAbandoned:
		return false
	}
	return !b.failed()
}

// captured reports whether one of g's graphs exists (a later capture must
// make the same calls).
func (g *stepGraph) captured() bool { return g.exec != [stepSets]GraphExec{} }

// sameOp checks the step's next call against the captured sequence,
// abandoning the step when it differs.
func (b *Backend) sameOp(op string) bool {
	if ops := b.cur.g.ops; b.cur.op >= len(ops) || ops[b.cur.op] != op {
		b.abandon(fmt.Sprintf("call %d is %s, not the captured step's", b.cur.op, op))
		return false
	}
	b.cur.op++
	return true
}

// stepUploadSlot returns the fixed pinned slot of the step's next upload,
// which must be the warm-up's upload into the same buffer; nil when it is
// not (the step is then abandoned).
func (b *Backend) stepUploadSlot(dst DevicePtr, bytes int) []byte {
	g, i := b.cur.g, b.cur.upload
	b.cur.upload++
	if i >= len(g.uploads) || g.uploads[i].dst != dst || g.uploads[i].bytes != bytes {
		b.abandon(fmt.Sprintf("upload %d differs from the warm-up's", i))
		return nil
	}
	u := g.uploads[i]
	return g.set(b.cur.set)[u.at : u.at+u.bytes : u.at+u.bytes]
}

// recordUpload notes an upload of the warm-up step.
func (b *Backend) recordUpload(dst DevicePtr, bytes int) {
	g := b.cur.g
	at := 0
	if n := len(g.uploads); n > 0 {
		at = (g.uploads[n-1].at + g.uploads[n-1].bytes + 255) &^ 255
	}
	g.uploads = append(g.uploads, stepUpload{dst: dst, bytes: bytes, at: at})
}

// scalars returns the device address of a slot holding w, the per-step
// values of one kernel call. In a captured or replayed step it is the
// step's next slot: w is written into the step's pinned set, which the
// graph's first node copies to the device. Otherwise w goes through the
// staging ring into the backend's eager slot (one is enough: the stream
// runs the copy and the kernel that reads it before the next copy).
func (b *Backend) scalars(w [stepWords]uint32) DevicePtr {
	switch b.cur.mode {
	case stepCapture, stepReplay:
		g, i := b.cur.g, b.cur.slot
		b.cur.slot++
		if i >= g.slots {
			b.abandon(fmt.Sprintf("the step uses more than the warm-up's %d scalar slots", g.slots))
			return 0
		}
		putWords(g.set(b.cur.set)[g.scalarAt()+slotBytes*i:], w)
		return g.scalars + DevicePtr(slotBytes*i)
	case stepAbandoned:
		return 0
	case stepWarm:
		b.cur.slot++
	}
	if b.failed() {
		return 0
	}
	if b.eagerSlot == 0 {
		p, err := b.ctx.Alloc(slotBytes)
		if b.fail(err) {
			return 0
		}
		b.eagerSlot = p
	}
	slot, ok := b.slot(stepWords)
	if !ok {
		return 0
	}
	putWords(slot, w)
	b.fail(b.ctx.CopyHtoD(b.eagerSlot, slot, b.stream))
	return b.eagerSlot
}

// putWords writes w little-endian (the device's order) into dst.
func putWords(dst []byte, w [stepWords]uint32) {
	for i, x := range w {
		binary.LittleEndian.PutUint32(dst[4*i:], x)
	}
}
