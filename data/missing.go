package data

import (
	"fmt"
	"os"
	"strings"
)

// LoadTableMissing is LoadTable for models that handle missing values (the
// Explainable Boosting Machine): in a CSV file, a feature cell that is empty
// or reads NA or NaN (any case, as pandas reads them) becomes NaN instead of
// an error. Infinite feature values and missing labels are still refused.
// The built-in tables have no missing values.
func LoadTableMissing(spec, label string) (*Table, error) {
	s := strings.TrimSpace(spec)
	if s == "" || strings.HasPrefix(s, "builtin:") {
		return LoadTable(spec, label)
	}
	f, err := os.Open(s)
	if err != nil {
		return nil, fmt.Errorf("reading CSV table: %w", err)
	}
	defer f.Close()
	return parseCSV(f, s, label, parseMode{missing: true})
}

// isMissingCell reports whether a trimmed cell marks a missing value.
func isMissingCell(cell string) bool {
	return cell == "" || strings.EqualFold(cell, "na") || strings.EqualFold(cell, "nan")
}
