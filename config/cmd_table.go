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
		StringListKey("ignore", []string{}, "columns to leave out of the table (neither feature nor label), e.g. the synthetic marker of genxai augment --export"),
	}
}

// weightKey is the frequency-weight key of the commands that accept grouped
// tables.
func weightKey() Key {
	return StringKey("weight", "", "column of frequency weights (counts ≥ 0) of a grouped table: each row stands for that many observations (empty: every row counts once)")
}

// TableReading is how a command reads its tables: the table-reading keys of
// its config.
type TableReading struct {
	Categorical []string          // columns read as categories
	Reference   map[string]string // column → reference level
	Weight      string            // column of frequency weights; "" = none
	Ignore      []string          // columns left out
}

// TableOptions returns the table-reading keys of a config: the declared
// categorical columns, the reference levels (column → level), the weight
// column ("" when the schema has no weight key or it is unset) and the
// ignored columns. A reference entry that is not COL=LEVEL is an error.
func TableOptions(c *Config) (TableReading, error) {
	r := TableReading{Categorical: c.Strings("categorical"), Ignore: c.Strings("ignore")}
	for _, ref := range c.Strings("reference") {
		col, level, ok := strings.Cut(ref, "=")
		col, level = strings.TrimSpace(col), strings.TrimSpace(level)
		if !ok || col == "" || level == "" {
			return TableReading{}, fmt.Errorf("reference %q: write it as COLUMN=LEVEL, for example city=London", ref)
		}
		if r.Reference == nil {
			r.Reference = map[string]string{}
		}
		r.Reference[col] = level
	}
	if slices.ContainsFunc(c.Schema().Keys, func(k Key) bool { return k.Name == "weight" }) {
		r.Weight = c.String("weight")
	}
	return r, nil
}
