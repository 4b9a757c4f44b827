package config

import (
	"fmt"
	"slices"
	"strings"
)

// categoricalKeys are the keys of every command that reads a CSV table with
// categorical columns: which columns are categories and their reference
// levels.
func categoricalKeys() []Key {
	return []Key{
		StringListKey("categorical", []string{}, "feature columns to read as categories even when they hold numbers (integer codes); a column with a non-numeric cell is categorical anyway"),
		StringListKey("reference", []string{}, "reference level of a categorical column as COL=LEVEL (default: its most frequent level, by weight when weight is set)"),
	}
}

// weightKey is the frequency-weight key of the commands that accept grouped
// tables.
func weightKey() Key {
	return StringKey("weight", "", "column of frequency weights (counts ≥ 0) of a grouped table: each row stands for that many observations (empty: every row counts once)")
}

// TableOptions returns the table-reading keys of a config: the declared
// categorical columns, the reference levels (column → level) and the weight
// column ("" when the schema has no weight key or it is unset). A reference
// entry that is not COL=LEVEL is an error.
func TableOptions(c *Config) (categorical []string, reference map[string]string, weight string, err error) {
	categorical = c.Strings("categorical")
	for _, r := range c.Strings("reference") {
		col, level, ok := strings.Cut(r, "=")
		col, level = strings.TrimSpace(col), strings.TrimSpace(level)
		if !ok || col == "" || level == "" {
			return nil, nil, "", fmt.Errorf("reference %q: write it as COLUMN=LEVEL, for example city=London", r)
		}
		if reference == nil {
			reference = map[string]string{}
		}
		reference[col] = level
	}
	if slices.ContainsFunc(c.Schema().Keys, func(k Key) bool { return k.Name == "weight" }) {
		weight = c.String("weight")
	}
	return categorical, reference, weight, nil
}
