package models

import (
	"context"
	"fmt"
	"io"
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
	// Ctx, when set, stops a long language-model sample between characters.
	Ctx context.Context
	// Stream, when set, receives a language model's text as it is generated.
	Stream io.Writer
}

// MaxImages bounds -n: a sample is one picture, and a grid of more than this
// many images is no longer readable.
const MaxImages = 1024

// Interrupted is returned when a sample is stopped by Ctrl-C: what was drawn
// so far is kept in Kept. Its exit status is 130, the shell's for SIGINT.
type Interrupted struct {
	What, Kept string
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("%s interrupted; what was generated so far is in %s", e.What, e.Kept)
}

// ExitCode is 130.
func (e *Interrupted) ExitCode() int { return 130 }

// Sample draws from the model trained in the run directory dir with its
// family's sampler and returns the file it wrote (by default DIR/sampled.png,
// or DIR/sampled.txt for a language model; samples.png is the training run's last epoch).
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
	if f.Kind != "lm" {
		if o.N < 1 || o.N > MaxImages {
			return "", fmt.Errorf("-n %d is out of range: a sample is one picture of 1 to %d images; for more, draw several pictures with different --seed", o.N, MaxImages)
		}
		if o.Class < -1 {
			return "", fmt.Errorf("--class %d is not a class: give a class index from 0, or leave --class out", o.Class)
		}
	}
	if o.Out == "" {
		o.Out = filepath.Join(dir, "sampled.png")
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
