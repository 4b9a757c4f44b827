package glassbox

import (
	"errors"
	"fmt"
)

// checkShape checks that the row-major x holds len(y) rows of
// len(features) ≥ 1 columns; model names the fit in the message.
func checkShape(model string, x, y []float64, features []string) error {
	p := len(features)
	if p == 0 {
		return errors.New(model + ": no features")
	}
	if len(x)%p != 0 || len(x)/p != len(y) {
		return fmt.Errorf("%s: %d values do not form %d rows of %d features", model, len(x), len(y), p)
	}
	return nil
}
