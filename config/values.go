package config

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Config is a loaded and validated config: every key of its schema has a
// value of the key's type, from a layer or from the default.
//
// The getters panic only on programmer error, a name that is not in the
// schema or a getter that does not match the key's type; values a user
// wrote were checked by Load.
type Config struct {
	source   string
	schema   Schema
	keys     map[string]*Key
	aliases  map[string]string // alias -> key name
	sections map[string]bool
	values   map[string]any
	origins  map[string]origin
}

// newConfig returns a Config holding the schema's defaults.
func newConfig(source string, s *Schema) *Config {
	c := &Config{
		source:   source,
		schema:   *s,
		keys:     make(map[string]*Key, len(s.Keys)),
		aliases:  map[string]string{},
		sections: map[string]bool{},
		values:   make(map[string]any, len(s.Keys)),
		origins:  map[string]origin{},
	}
	for i := range c.schema.Keys {
		k := &c.schema.Keys[i]
		c.keys[k.Name] = k
		for _, a := range k.Aliases {
			c.aliases[a] = k.Name
		}
		for p := parentOf(k.Name); p != ""; p = parentOf(p) {
			c.sections[p] = true
		}
		if !k.Required {
			c.values[k.Name], _ = normalizeDefault(k.Type, k.Default)
		}
	}
	return c
}

// Source returns the path of the config file.
func (c *Config) Source() string { return c.source }

// Schema returns the schema the config was validated against.
func (c *Config) Schema() Schema { return c.schema }

// get returns the value of name, panicking if the key is not in the schema
// or has another type.
func (c *Config) get(name string, t Type) any {
	k, ok := c.keys[name]
	if !ok {
		panic(fmt.Sprintf("config: key %q is not in schema %q", name, c.schema.Name))
	}
	if k.Type != t {
		panic(fmt.Sprintf("config: key %q is a %s, not a %s", name, k.Type, t))
	}
	return c.values[name]
}

// Int returns the value of an Int key.
func (c *Config) Int(name string) int { return c.get(name, Int).(int) }

// Float returns the value of a Float key.
func (c *Config) Float(name string) float64 { return c.get(name, Float).(float64) }

// String returns the value of a String key.
func (c *Config) String(name string) string { return c.get(name, String).(string) }

// Bool returns the value of a Bool key.
func (c *Config) Bool(name string) bool { return c.get(name, Bool).(bool) }

// Ints returns a copy of the value of an IntList key.
func (c *Config) Ints(name string) []int { return slices.Clone(c.get(name, IntList).([]int)) }

// Floats returns a copy of the value of a FloatList key.
func (c *Config) Floats(name string) []float64 {
	return slices.Clone(c.get(name, FloatList).([]float64))
}

// Strings returns a copy of the value of a StringList key.
func (c *Config) Strings(name string) []string {
	return slices.Clone(c.get(name, StringList).([]string))
}

// Has reports whether the key was set explicitly (in the file, the
// environment or a --set) rather than left at its default. It panics if
// name is not in the schema.
func (c *Config) Has(name string) bool {
	if _, ok := c.keys[name]; !ok {
		panic(fmt.Sprintf("config: key %q is not in schema %q", name, c.schema.Name))
	}
	_, ok := c.origins[name]
	return ok
}

// Origin says where the value of a key came from: "path:line" for the file,
// the environment variable's name, "--set key=value", or "default". It
// panics if name is not in the schema.
func (c *Config) Origin(name string) string {
	if _, ok := c.keys[name]; !ok {
		panic(fmt.Sprintf("config: key %q is not in schema %q", name, c.schema.Name))
	}
	return c.origins[name].String()
}

// Settings returns the fully resolved config, defaults included, as a nested
// map ("train.lr" is m["train"]["lr"]), ready to be written as the run
// directory's config.yaml. The map is a fresh copy.
func (c *Config) Settings() map[string]any {
	out := map[string]any{}
	names := make([]string, 0, len(c.values))
	for n := range c.values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		segs := strings.Split(n, ".")
		m := out
		for _, s := range segs[:len(segs)-1] {
			sub, ok := m[s].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[s] = sub
			}
			m = sub
		}
		var v any
		switch x := c.values[n].(type) {
		case []int:
			v = slices.Clone(x)
		case []float64:
			v = slices.Clone(x)
		case []string:
			v = slices.Clone(x)
		default:
			v = x
		}
		m[segs[len(segs)-1]] = v
	}
	return out
}

// Errorf returns a problem about key, for a schema's Validate hook: it names
// where the key's value came from and the value, followed by the formatted
// message, e.g. "x.yaml:7: train.min_lr = 0.1 must be ≤ train.lr (0.001)".
func (c *Config) Errorf(key, format string, args ...any) error {
	o := c.origins[key]
	src := o.src
	if src == "" {
		src = c.source + " (default)"
	}
	val := ""
	if v, ok := c.values[key]; ok {
		val = formatValue(v)
	}
	return &Problem{Source: src, Line: o.line, Key: key, Value: val, Msg: fmt.Sprintf(format, args...)}
}

// formatValue writes a typed value the way YAML flow style would.
func formatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return formatFloat(x)
	case []int:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []float64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatFloat(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case string:
		if x == "" {
			return `""`
		}
		return x
	}
	return fmt.Sprint(v)
}

// suggest returns the candidate nearest to name by edit distance, or "" if
// none is close enough to be a plausible typo. When name lies in no known
// section (moved reports that), a candidate with the same last segment
// qualifies too: train.lr for lr or optim.lr.
func suggest(name string, candidates []string, inSection bool) string {
	lower := strings.ToLower(name)
	best, bestD := "", 1<<30
	limit := max(2, min(4, len(name)/3))
	for _, c := range candidates {
		d := levenshtein(lower, strings.ToLower(c))
		moved := !inSection && sameLast(lower, c)
		if d > limit && !moved {
			continue
		}
		if moved && d > limit {
			d = limit // a moved key is as plausible as a typo
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// knownSection reports whether some ancestor of the dotted name is one of
// the sections.
func knownSection(name string, sections map[string]bool) bool {
	for p := parentOf(name); p != ""; p = parentOf(p) {
		if sections[p] {
			return true
		}
	}
	return false
}

// sameLast reports whether two dotted names end in the same segment.
func sameLast(a, b string) bool {
	la := a[strings.LastIndexByte(a, '.')+1:]
	lb := b[strings.LastIndexByte(b, '.')+1:]
	return la != "" && la == lb
}

// levenshtein returns the edit distance (insertions, deletions and
// substitutions of runes) between a and b; Levenshtein, "Binary codes
// capable of correcting deletions, insertions, and reversals" (1966).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 200 || len(rb) > 200 {
		return 1 << 20 // not a typo of any key
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
