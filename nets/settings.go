package nets

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

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

// checkArch runs the checks of the variant called arch (model.arch), or says
// that it is not one of variants.
func checkArch(family, arch string, variants map[string]func() error) error {
	check, ok := variants[arch]
	if !ok {
		names := slices.Sorted(maps.Keys(variants))
		return fmt.Errorf("%s: model.arch %q is not known (allowed: %s)", family, arch, strings.Join(names, ", "))
	}
	return check()
}

// checkGrid checks that an h×w image survives k halvings (or, exact, that k
// doublings of a grid give exactly h×w), k being the number of entries of
// setting. A list longer than maxDepth is left to checkSizes.
func checkGrid(family, setting string, k, h, w int, exact bool) error {
	switch {
	case k > maxDepth:
		return nil
	case exact && (h%(1<<k) != 0 || w%(1<<k) != 0):
		return fmt.Errorf("%s: the image is halved (or doubled) once per entry of %s (%d entries), so height and width must be multiples of %d; the data is %d×%d: use fewer entries", family, setting, k, 1<<k, h, w)
	case h>>k < 1 || w>>k < 1:
		return fmt.Errorf("%s: the image is halved once per entry of %s (%d entries), which leaves nothing of a %d×%d image: use fewer entries", family, setting, k, h, w)
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
// size, starts a Net drawing from store, lets body add the model's nodes to
// it, and returns m with its Net set, or the first error met, prefixed with
// family.
func build[M any](m *M, net **Net, family string, cfg interface{ Validate() error }, store *Store, batch int, training bool, body func(n *Net)) (*M, error) {
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
	*net = n
	return m, nil
}
