package models

import (
	"testing"

	"genxai/train"
)

// runSteps runs n optimizer steps of task, input(step) giving each step's
// batch, learning rate and random source, and returns the step losses.
func runSteps(t *testing.T, task train.Task, n int64, input func(step int64) train.StepInput) []float64 {
	t.Helper()
	losses := make([]float64, 0, n)
	for step := int64(0); step < n; step++ {
		r, err := task.Step(input(step))
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, r.Loss)
	}
	return losses
}

// mean is the arithmetic mean of xs.
func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
