package runs

import (
	"path/filepath"
	"strings"
)

// SourceKey is the summary.json key in which explanation, augmentation and
// glass-box runs record what they were made from: the run directories they
// explain or draw on, or the data files they fit. `genxai report` finds the
// results that belong to a run through it.
const SourceKey = "source"

// Sources returns the value of SourceKey for the given run directories or
// data files: each non-empty path made absolute (so that a report run from
// another working directory still matches it), built-in data names such as
// "builtin:breast_cancer" kept as they are.
func Sources(paths ...string) []string {
	out := []string{}
	for _, p := range paths {
		switch {
		case p == "":
			continue
		case strings.HasPrefix(p, "builtin:"):
			out = append(out, p)
		default:
			if abs, err := filepath.Abs(p); err == nil {
				p = abs
			}
			out = append(out, p)
		}
	}
	return out
}
