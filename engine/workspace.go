package engine

import (
	"fmt"
	"unsafe"
)

// Workspace keeps a run's state on one backend for the whole run: the model's
// parameters, the optimizer's moments and the batch-norm running statistics,
// each a host slice (the nets.Store's tensor, the optimizer's state) with a
// backend buffer of its own. Every plan built on a workspace reads and writes
// those buffers directly instead of uploading its leaves before each run, so
// a training step moves only the batch to the backend and the loss and the
// gradient norm back; plans of the same run (the GAN's discriminator and
// generator steps, the evaluation graphs) share the same buffers.
//
// Each tensor remembers which copy is newer. A tensor starts with the host's
// copy (initialization or a restored checkpoint) and is uploaded before the
// first plan that reads it; a step that updates it makes the backend's copy
// newer; Sync brings such tensors back to the host (before a checkpoint, an
// evaluation on the host or a picture).
type Workspace struct {
	be    Backend
	byPtr map[*float32]*resident
	order []*resident
}

// resident is one tensor of a workspace.
type resident struct {
	name      string
	host      []float32
	buf       Buffer
	hostNewer bool // the host slice changed since the last upload
	devNewer  bool // a plan wrote the buffer since the last download
}

// NewWorkspace returns an empty workspace on be.
func NewWorkspace(be Backend) *Workspace {
	return &Workspace{be: be, byPtr: map[*float32]*resident{}}
}

// Backend is the backend the workspace's buffers live on.
func (w *Workspace) Backend() Backend { return w.be }

// Add makes host (the data of the tensor called name, never empty) resident.
// A plan leaf whose value is backed by host then reads the workspace's
// buffer. Adding the same slice twice is a no-op.
func (w *Workspace) Add(name string, host []float32) {
	if len(host) == 0 {
		panic(fmt.Sprintf("engine: Workspace.Add(%q): an empty tensor", name))
	}
	key := unsafe.SliceData(host)
	if _, ok := w.byPtr[key]; ok {
		return
	}
	r := &resident{name: name, host: host, buf: w.be.Alloc(len(host)), hostNewer: true}
	w.byPtr[key] = r
	w.order = append(w.order, r)
}

// lookup returns the resident tensor backed by host, or nil.
func (w *Workspace) lookup(host []float32) *resident {
	if w == nil || len(host) == 0 {
		return nil
	}
	r := w.byPtr[unsafe.SliceData(host)]
	if r == nil || len(r.host) != len(host) {
		return nil
	}
	return r
}

// upload copies a tensor's host slice to its buffer when the host is newer.
func (w *Workspace) upload(r *resident) {
	if r.hostNewer {
		w.be.Upload(r.buf, r.host)
		r.hostNewer = false
	}
}

// Sync downloads every tensor whose backend copy is newer into its host
// slice, so the Store and the optimizer state hold the run's current values.
func (w *Workspace) Sync() error {
	if w == nil {
		return nil
	}
	for _, r := range w.order {
		if !r.devNewer {
			continue
		}
		if err := w.be.Download(r.host, r.buf); err != nil {
			return fmt.Errorf("reading %s back from the %s backend: %w", r.name, w.be.Name(), err)
		}
		r.devNewer = false
	}
	return nil
}

// HostChanged says that the host slices were written (a checkpoint restored
// into them after the workspace was made): every tensor is uploaded again
// before the next plan reads it. Call Sync first if a plan may have updated
// them since.
func (w *Workspace) HostChanged() {
	if w == nil {
		return
	}
	for _, r := range w.order {
		r.hostNewer, r.devNewer = true, false
	}
}

// Close frees the workspace's buffers; the plans built on it must not run
// afterwards.
func (w *Workspace) Close() error {
	if w == nil {
		return nil
	}
	for _, r := range w.order {
		w.be.Free(r.buf)
		r.buf = nil
	}
	w.order, w.byPtr = nil, map[*float32]*resident{}
	return nil
}
