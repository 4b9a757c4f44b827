package explain

import (
	"fmt"
	"strconv"
	"strings"

	"genxai/data"
)

// Input names one image of a run's data set: split "train" or "test" and an
// index into it.
type Input struct {
	Split string
	Index int
}

// String is the form ParseInputs reads, e.g. "test:17".
func (in Input) String() string { return fmt.Sprintf("%s:%d", in.Split, in.Index) }

// ParseInputs reads a comma-separated list of inputs such as
// "test:3,test:17,train:5". A bare number means the test set. An empty
// string gives no inputs (the method then picks its default).
func ParseInputs(s string) ([]Input, error) {
	var out []Input
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		split, idx := "test", part
		if i := strings.IndexByte(part, ':'); i >= 0 {
			split, idx = strings.TrimSpace(part[:i]), strings.TrimSpace(part[i+1:])
		}
		if split != "test" && split != "train" {
			return nil, fmt.Errorf("--input %q: the split %q is not known (allowed: test, train; e.g. test:3,test:17)", part, split)
		}
		k, err := strconv.Atoi(idx)
		if err != nil || k < 0 {
			return nil, fmt.Errorf("--input %q: %q is not an image index (a whole number ≥ 0; e.g. test:3,test:17)", part, idx)
		}
		out = append(out, Input{Split: split, Index: k})
	}
	return out, nil
}

// Resolve returns the pixels and label of each input, checking the indices
// against the sizes of the sets.
func Resolve(inputs []Input, trainSet, testSet *data.Images) (pixels [][]float32, labels []int, err error) {
	for _, in := range inputs {
		set := testSet
		if in.Split == "train" {
			set = trainSet
		}
		if in.Index >= set.N {
			return nil, nil, fmt.Errorf("--input %s: the %s set has %d images (indices 0..%d)", in, in.Split, set.N, set.N-1)
		}
		pixels = append(pixels, append([]float32(nil), set.Image(in.Index)...))
		labels = append(labels, set.Labels[in.Index])
	}
	return pixels, labels, nil
}

// FirstTest returns test:0 … test:n−1 (fewer when the set is smaller).
func FirstTest(n int, testSet *data.Images) []Input {
	out := make([]Input, 0, n)
	for i := 0; i < n && i < testSet.N; i++ {
		out = append(out, Input{Split: "test", Index: i})
	}
	return out
}
