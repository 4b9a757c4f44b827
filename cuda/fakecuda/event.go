package fakecuda

import (
	"fmt"

	"genxai/cuda"
)

// event is an event's latest record: a marker in a stream.
type event struct {
	noTiming bool    // created without timing: ElapsedMs refuses it
	marker   *op     // the queued record, nil before the first record
	stream   *stream // where it was last recorded
	captured bool    // last recorded while its stream captured
	done     bool
	time     float32 // virtual clock when it ran
}

// event looks up a live event handle.
func (f *Fake) event(call string, h cuda.Event) (*event, error) {
	e, ok := f.events[h]
	if !ok {
		return nil, cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: event %#x is not a live event from NewEvent", uintptr(h))
	}
	return e, nil
}

// NewEvent creates an event, with timing or without.
func (f *Fake) NewEvent(timing bool) (cuda.Event, error) {
	defer f.mu.Unlock()
	if err := f.enter("cuEventCreate"); err != nil {
		return 0, err
	}
	h := cuda.Event(f.next())
	f.events[h] = &event{noTiming: !timing}
	return h, nil
}

// RecordEvent queues e on s. Recorded while s captures, e only marks a
// point of the capture: waiting on it or timing it is an error until it is
// recorded again outside a capture.
func (f *Fake) RecordEvent(eh cuda.Event, sh cuda.Stream) error {
	const call = "cuEventRecord"
	return f.onStream(call, sh, func(s *stream) error {
		old, err := f.event(call, eh)
		if err != nil {
			return err
		}
		// A fresh record: a marker still queued from an earlier record
		// completes that one, not this.
		e := &event{stream: s, noTiming: old.noTiming}
		f.events[eh] = e
		if s.capture != nil {
			e.captured = true
			return nil
		}
		e.marker = &op{call: call, what: fmt.Sprintf("record event %#x", uintptr(eh)), event: e}
		s.queue = append(s.queue, e.marker)
		return nil
	})
}

// SyncEvent runs e's stream up to e. An event never recorded is complete.
func (f *Fake) SyncEvent(eh cuda.Event) error {
	const call = "cuEventSynchronize"
	return f.locked(call, func() error { return f.syncEvent(call, eh) })
}

// syncEvent does SyncEvent's work under the lock.
func (f *Fake) syncEvent(call string, eh cuda.Event) error {
	e, err := f.event(call, eh)
	if err != nil {
		return err
	}
	if e.captured {
		return cuda.Errorf(call, cuda.ErrorCapturedEvent, "fakecuda: event %#x was recorded during a capture", uintptr(eh))
	}
	if e.marker == nil || e.done {
		return nil
	}
	return f.drain(e.stream, e.marker)
}

// ElapsedMs is the virtual time between two completed events: each op
// run between them counts one microsecond.
func (f *Fake) ElapsedMs(start, end cuda.Event) (float32, error) {
	const call = "cuEventElapsedTime"
	defer f.mu.Unlock()
	if err := f.enter(call); err != nil {
		return 0, err
	}
	var ev [2]*event
	for i, h := range []cuda.Event{start, end} {
		e, err := f.event(call, h)
		if err != nil {
			return 0, err
		}
		switch {
		case e.noTiming:
			return 0, cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: event %#x was created without timing", uintptr(h))
		case e.captured:
			return 0, cuda.Errorf(call, cuda.ErrorCapturedEvent, "fakecuda: event %#x was recorded during a capture", uintptr(h))
		case e.marker == nil:
			return 0, cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: event %#x was never recorded", uintptr(h))
		case !e.done:
			return 0, cuda.Errorf(call, cuda.ErrorNotReady, "fakecuda: event %#x has not completed; SyncEvent first", uintptr(h))
		}
		ev[i] = e
	}
	return ev[1].time - ev[0].time, nil
}

// DestroyEvent destroys e.
func (f *Fake) DestroyEvent(h cuda.Event) error {
	const call = "cuEventDestroy_v2"
	return f.locked(call, func() error { return destroy(f.events, h, call, "event") })
}
