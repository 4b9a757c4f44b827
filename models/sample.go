package models

import (
	"fmt"
	"path/filepath"

	"genxai/data"
)

// SampleOptions are the flags of `genxai sample`. Each model family uses the
// ones that apply to it.
type SampleOptions struct {
	N           int     // images to draw
	Out         string  // output file (PNG for images, text for a language model)
	Seed        int64   // noise seed
	Class       int     // conditioning class of a conditional model; -1 = none
	Prompt      string  // language model prompt
	Tokens      int     // characters to generate
	Temperature float64 // sampling temperature
	TopK        int     // sample among the k most likely tokens; 0 = all
}

// Sample draws from the model trained in the run directory dir with its
// family's sampler and returns the file it wrote (by default DIR/samples.png,
// or DIR/samples.txt for a language model).
func Sample(dir string, o SampleOptions) (string, error) {
	r, err := Open(dir)
	if err != nil {
		return "", err
	}
	f, err := Lookup(r.Kind)
	if err != nil {
		return "", err
	}
	if f.Sample == nil {
		return "", fmt.Errorf("%s holds a %q model, which has nothing to sample (families with a sampler: %v)", dir, r.Kind, sampleKinds())
	}
	if f.Kind != "lm" && o.N < 1 {
		return "", fmt.Errorf("-n must be at least 1, got %d", o.N)
	}
	if o.Out == "" {
		o.Out = filepath.Join(dir, "samples.png")
	}
	return f.Sample(r, o)
}

// imageShape returns the C, H, W of the data set a run was trained on; the
// embedded digits without loading them, other sets through Images.
func (r *Run) imageShape() (c, h, w int, err error) {
	if r.Config.String("data.path") == data.BuiltinDigits {
		return 1, 8, 8, nil
	}
	tr, _, err := r.Images()
	if err != nil {
		return 0, 0, 0, err
	}
	return tr.C, tr.H, tr.W, nil
}
