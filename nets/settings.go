package nets

import "fmt"

// This file holds what the model families share around building: the checks
// of their settings and the frame of a constructor.

// Bounds on model settings. They are far above what a CPU trains, and keep a
// bad setting an error: the conv variants compute 2^len(channels), and a
// tensor larger than maxElements could not be allocated.
const (
	maxSize  = 1 << 16 // any width, channel count, latent size, vocabulary or context length
	maxDepth = 24      // entries of a list of widths or channels, transformer layers
)

// checkSize returns an error naming setting unless 1 ≤ v ≤ maxSize.
func checkSize(family, setting string, v int) error {
	if v < 1 || v > maxSize {
		return fmt.Errorf("%s: %s is %d; it must be between 1 and %d", family, setting, v, maxSize)
	}
	return nil
}

// checkSizes checks a list of widths or channel counts: at least one entry
// (when required), at most maxDepth, each a valid size.
func checkSizes(family, setting string, vs []int, required bool) error {
	if required && len(vs) == 0 {
		return fmt.Errorf("%s: %s must list at least one entry", family, setting)
	}
	if len(vs) > maxDepth {
		return fmt.Errorf("%s: %s has %d entries; at most %d are supported", family, setting, len(vs), maxDepth)
	}
	for i, v := range vs {
		if err := checkSize(family, fmt.Sprintf("%s[%d]", setting, i), v); err != nil {
			return err
		}
	}
	return nil
}

// checkImage checks the input image shape, which comes from the data.
func checkImage(family string, c, h, w int) error {
	if c < 1 || h < 1 || w < 1 || c > maxSize || h > maxSize || w > maxSize {
		return fmt.Errorf("%s: the image shape %d×%d×%d (channels × height × width) is empty or too large", family, c, h, w)
	}
	return nil
}

// checkDropout checks a dropout probability.
func checkDropout(family, setting string, p float64) error {
	if !(p >= 0 && p < 1) {
		return fmt.Errorf("%s: %s is %v; it must be in [0, 1)", family, setting, p)
	}
	return nil
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// build is the frame of every model constructor: it checks cfg and the batch
// size, starts a Net drawing from store, lets body add the model's nodes, and
// returns the Net or the first error met, prefixed with family.
func build(family string, cfg interface{ Validate() error }, store *Store, batch int, training bool, body func(n *Net)) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if batch < 1 || batch > maxSize {
		return nil, fmt.Errorf("%s: batch size %d must be between 1 and %d", family, batch, maxSize)
	}
	n := NewNet(store, training)
	body(n)
	if err := n.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", family, err)
	}
	return n, nil
}
