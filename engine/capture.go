package engine

// StepCapturer is an optional interface of a Backend that records a plan's
// Run once and replays it (the CUDA backend: a CUDA graph). A plan calls
// BeginStep and EndStep around the part of Run that uploads its inputs,
// fills its random inputs and runs its program, with itself as key; the
// resident uploads come before and the read-backs after. The backend sees
// every call of the step as usual (so it can take the batch and the step's
// values — learning rate, bias corrections, random key — from them) but
// may run them later as one replay. When EndStep returns again, the step
// did not run (its capture or replay was given up) and the plan runs it
// once more, eagerly. ReleaseStep drops what the backend keeps for the
// plan; the plan calls it when it closes, before freeing its buffers.
// Backends without it (the CPU backend) run every call at once.
type StepCapturer interface {
	// BeginStep starts a step of the plan key; capturable is false when
	// the plan runs ops on the host (which no graph can hold).
	BeginStep(key any, capturable bool)
	// EndStep ends it; again asks the plan to run the step again.
	EndStep(key any) (again bool, err error)
	// ReleaseStep frees what the backend holds for the plan key.
	ReleaseStep(key any) error
}

// StepReader is an optional interface of a StepCapturer whose steps read
// values back without the host waiting for them (the CUDA backend: the
// copies go into pinned host memory kept per step, inside the captured
// graph). A plan calls ReadBack inside a step, after its program, and
// reads the values later with ReadResults, once it needs them; only the
// two latest steps of a plan keep theirs (the backend uses two sets of
// pinned memory alternately, so that the host prepares one step while the
// device runs the one before).
type StepReader interface {
	StepCapturer
	// ReadBack queues, inside the step in progress, a copy of src into
	// host memory the backend keeps for the step.
	ReadBack(src Buffer)
	// ReadResults waits for the run-th step of plan key (counted from 1
	// over the plan's BeginStep calls) and copies its read backs, in the
	// order they were made, into dst (their total length).
	ReadResults(key any, run int, dst []float32) error
}
