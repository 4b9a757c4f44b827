package fakecuda

import (
	"fmt"

	"genxai/cuda"
)

// capture is a stream's capture in progress.
type capture struct {
	ops     []*op
	invalid error // the refused call that invalidated it
}

// graph is captured work; instantiated graphs share the op list.
type graph struct {
	ops []*op
}

// BeginCapture starts recording s's work instead of queueing it.
func (f *Fake) BeginCapture(h cuda.Stream) error {
	const call = "cuStreamBeginCapture_v2"
	return f.onStream(call, h, func(s *stream) error {
		if s.capture != nil {
			return cuda.Errorf(call, cuda.ErrorIllegalState, "fakecuda: stream %d is already capturing", s.id)
		}
		s.capture = &capture{}
		return nil
	})
}

// EndCapture ends s's capture and returns its graph; a capture that a
// refused call invalidated yields no graph.
func (f *Fake) EndCapture(h cuda.Stream) (cuda.Graph, error) {
	const call = "cuStreamEndCapture"
	var g cuda.Graph
	return g, f.onStream(call, h, func(s *stream) error {
		c := s.capture
		if c == nil {
			return cuda.Errorf(call, cuda.ErrorIllegalState, "fakecuda: stream %d is not capturing", s.id)
		}
		s.capture = nil
		if c.invalid != nil {
			return cuda.Errorf(call, cuda.ErrorStreamCaptureInvalidated, "fakecuda: the capture on stream %d was invalidated by: %v", s.id, c.invalid)
		}
		g = cuda.Graph(f.next())
		f.graphs[g] = &graph{ops: c.ops}
		return nil
	})
}

// Instantiate makes g replayable.
func (f *Fake) Instantiate(g cuda.Graph) (cuda.GraphExec, error) {
	const call = "cuGraphInstantiateWithFlags"
	var x cuda.GraphExec
	return x, f.locked(call, func() error {
		gr, ok := f.graphs[g]
		if !ok {
			return cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: graph %#x is not live", uintptr(g))
		}
		x = cuda.GraphExec(f.next())
		f.execs[x] = &graph{ops: append([]*op(nil), gr.ops...)}
		return nil
	})
}

// LaunchGraph replays x's ops on s, in capture order. Every buffer the
// graph touches must still be allocated and every kernel still loaded; a
// graph launched on a capturing stream is recorded into that capture.
func (f *Fake) LaunchGraph(x cuda.GraphExec, h cuda.Stream) error {
	const call = "cuGraphLaunch"
	return f.onStream(call, h, func(s *stream) error {
		gr, ok := f.execs[x]
		if !ok {
			return cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: graph exec %#x is not live", uintptr(x))
		}
		return f.replay(call, gr, s)
	})
}

// replay checks that every node of gr can still run, then queues them on s.
func (f *Fake) replay(call string, gr *graph, s *stream) error {
	for i, o := range gr.ops {
		if err := f.validate(o, cuda.ErrorIllegalAddress); err != nil {
			return fmt.Errorf("%s: node %d of the graph: %w", call, i, err)
		}
		for _, b := range o.hosts {
			if !f.mem.pinned(b) {
				return cuda.Errorf(call, cuda.ErrorIllegalAddress, "fakecuda: node %d (%s) copies host memory that is no longer pinned (FreeHost before the replay)", i, o.what)
			}
		}
	}
	for _, o := range gr.ops {
		if err := f.enqueue(s, o); err != nil {
			return err
		}
	}
	return nil
}

// DestroyGraphExec destroys x.
func (f *Fake) DestroyGraphExec(x cuda.GraphExec) error {
	const call = "cuGraphExecDestroy"
	return f.locked(call, func() error { return destroy(f.execs, x, call, "graph exec") })
}

// DestroyGraph destroys g; its instantiations stay valid.
func (f *Fake) DestroyGraph(g cuda.Graph) error {
	const call = "cuGraphDestroy"
	return f.locked(call, func() error { return destroy(f.graphs, g, call, "graph") })
}
