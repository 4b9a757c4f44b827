// Package config loads strict, schema-driven YAML configurations.
//
// A Schema lists every key a config may hold: its dotted name ("train.lr"),
// its Type, its default, its bounds or allowed values, and a line of
// documentation. Load reads a YAML file (parsed by github.com/spf13/viper and
// gopkg.in/yaml.v3, which also gives line numbers), then applies two layers of
// overrides, each one winning over the one before:
//
//  1. the file;
//  2. environment variables GENXAI_<KEY>, the key upper-cased with dots
//     turned into underscores (GENXAI_TRAIN_LR overrides train.lr);
//  3. --set key=value overrides, in order, the later winning. The value is
//     read with YAML's scalar and flow rules, so "--set train.lr=3e-4" gives a
//     float and "--set model.hidden=[512,256]" a list.
//
// Validation is strict: a key that is not in the schema (with a "did you mean"
// suggestion found by edit distance), a value of the wrong type, a number out
// of range, a string not in the allowed set, a required key left unset, an
// empty or malformed file, all are reported. Every problem names where it came
// from (file and line, environment variable or --set), the key, the value found
// and what is allowed, and all problems of one load are reported together,
// sorted by key, in an *Error.
//
// Training configs choose their schema by model.kind: see LoadTraining,
// TrainingSchema and RegisterKind. Other commands load their own configs with
// Load and a Schema of their own.
package config

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Type is the type of a config value.
type Type int

// The value types a Key may have. Lists are YAML sequences of scalars, for
// example [512, 256].
const (
	String     Type = iota // a YAML scalar, read as its literal text
	Int                    // a whole number; 1e4 is accepted, 1.5 is not
	Float                  // a finite number; integers are accepted
	Bool                   // true or false
	IntList                // a list of whole numbers
	FloatList              // a list of finite numbers
	StringList             // a list of scalars read as text
)

// String returns the type's name as the reference documentation shows it.
func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Int:
		return "int"
	case Float:
		return "float"
	case Bool:
		return "bool"
	case IntList:
		return "list of int"
	case FloatList:
		return "list of float"
	case StringList:
		return "list of string"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// isList reports whether t is one of the list types.
func (t Type) isList() bool { return t == IntList || t == FloatList || t == StringList }

// elem returns the element type of a list type, and t itself for scalars.
func (t Type) elem() Type {
	switch t {
	case IntList:
		return Int
	case FloatList:
		return Float
	case StringList:
		return String
	}
	return t
}

// Key describes one config key. Bounds and Enum apply to every element of a
// list. Build keys with IntKey, FloatKey and friends and the bound methods
// (Range, AtLeast, GreaterThan, AtMost, LessThan, OneOf, Require), or write
// the struct literally.
type Key struct {
	// Name is the dotted key, e.g. "train.lr". Segments are lower case
	// letters, digits and underscores.
	Name string
	// Type is the value's type.
	Type Type
	// Default is the value used when no layer sets the key: string, int,
	// float64, bool, []int, []float64 or []string matching Type. It must be
	// nil for a Required key and non-nil otherwise.
	Default any
	// Min and Max bound numeric values (inclusive unless MinExclusive or
	// MaxExclusive); nil means unbounded.
	Min, Max *float64
	// MinExclusive and MaxExclusive turn Min and Max into strict bounds.
	MinExclusive, MaxExclusive bool
	// MinLen and MaxLen bound the length of a list; 0 means no bound.
	MinLen, MaxLen int
	// Enum, when non-empty, lists the values a String or StringList key
	// (each element) may take.
	Enum []string
	// Doc is one line of documentation, shown in the reference.
	Doc string
	// Required keys have no default and must be set by some layer.
	Required bool
	// Aliases are other names the key answers to in every layer (file,
	// environment, --set), e.g. an older name kept working after a rename.
	// Values are stored, reported and written under Name.
	Aliases []string
}

// Schema is the set of keys a config may hold.
type Schema struct {
	// Name names the schema in messages, e.g. "training (vae)".
	Name string
	// Keys lists the keys; their order is the order of the reference table.
	Keys []Key
	// Validate, when set, runs after every key has been checked and found
	// valid, for checks that involve several keys (e.g. train.min_lr ≤
	// train.lr). Build its errors with Config.Errorf so they name the source.
	Validate func(*Config) []error
}

// F returns a pointer to x, for writing Key.Min and Key.Max literally.
func F(x float64) *float64 { return &x }

// StringKey returns a String key with a default and a line of documentation.
func StringKey(name, def, doc string) Key {
	return Key{Name: name, Type: String, Default: def, Doc: doc}
}

// IntKey returns an Int key with a default and a line of documentation.
func IntKey(name string, def int, doc string) Key {
	return Key{Name: name, Type: Int, Default: def, Doc: doc}
}

// FloatKey returns a Float key with a default and a line of documentation.
func FloatKey(name string, def float64, doc string) Key {
	return Key{Name: name, Type: Float, Default: def, Doc: doc}
}

// BoolKey returns a Bool key with a default and a line of documentation.
func BoolKey(name string, def bool, doc string) Key {
	return Key{Name: name, Type: Bool, Default: def, Doc: doc}
}

// IntListKey returns an IntList key with a default and a line of documentation.
func IntListKey(name string, def []int, doc string) Key {
	return Key{Name: name, Type: IntList, Default: slices.Clone(def), Doc: doc}
}

// FloatListKey returns a FloatList key with a default and a line of documentation.
func FloatListKey(name string, def []float64, doc string) Key {
	return Key{Name: name, Type: FloatList, Default: slices.Clone(def), Doc: doc}
}

// StringListKey returns a StringList key with a default and a line of documentation.
func StringListKey(name string, def []string, doc string) Key {
	return Key{Name: name, Type: StringList, Default: slices.Clone(def), Doc: doc}
}

// Range returns k bounded to the closed interval [lo, hi].
func (k Key) Range(lo, hi float64) Key { return k.AtLeast(lo).AtMost(hi) }

// AtLeast returns k with the inclusive lower bound lo.
func (k Key) AtLeast(lo float64) Key { k.Min, k.MinExclusive = F(lo), false; return k }

// GreaterThan returns k with the exclusive lower bound lo.
func (k Key) GreaterThan(lo float64) Key { k.Min, k.MinExclusive = F(lo), true; return k }

// AtMost returns k with the inclusive upper bound hi.
func (k Key) AtMost(hi float64) Key { k.Max, k.MaxExclusive = F(hi), false; return k }

// LessThan returns k with the exclusive upper bound hi.
func (k Key) LessThan(hi float64) Key { k.Max, k.MaxExclusive = F(hi), true; return k }

// OneOf returns k restricted to the given values.
func (k Key) OneOf(values ...string) Key { k.Enum = slices.Clone(values); return k }

// Len returns k with its list length bounded to [min, max]; 0 means no bound.
func (k Key) Len(min, max int) Key { k.MinLen, k.MaxLen = min, max; return k }

// Require returns k marked required, with no default.
func (k Key) Require() Key { k.Required, k.Default = true, nil; return k }

// Alias returns k answering also to the given names.
func (k Key) Alias(names ...string) Key { k.Aliases = slices.Concat(k.Aliases, names); return k }

// boundsText describes the numeric bounds, e.g. "> 0 and ≤ 10"; "" when none.
func (k *Key) boundsText() string {
	var parts []string
	if k.Min != nil {
		op := "≥"
		if k.MinExclusive {
			op = ">"
		}
		parts = append(parts, op+" "+formatFloat(*k.Min))
	}
	if k.Max != nil {
		op := "≤"
		if k.MaxExclusive {
			op = "<"
		}
		parts = append(parts, op+" "+formatFloat(*k.Max))
	}
	return strings.Join(parts, " and ")
}

// allowedText describes every value the key accepts, e.g.
// "an int ≥ 1 and ≤ 100000" or "one of auto, cpu, cuda".
func (k *Key) allowedText() string {
	var s string
	switch k.Type {
	case String:
		s = "a string"
		if len(k.Enum) > 0 {
			s = "one of " + strings.Join(k.Enum, ", ")
		}
	case Int:
		s = "an int"
	case Float:
		s = "a number"
	case Bool:
		s = "true or false"
	case IntList:
		s = "a list of ints, e.g. [512, 256]"
	case FloatList:
		s = "a list of numbers, e.g. [0.5, 0.25]"
	case StringList:
		s = "a list of strings, e.g. [a, b]"
		if len(k.Enum) > 0 {
			s = "a list of values from " + strings.Join(k.Enum, ", ")
		}
	}
	if b := k.boundsText(); b != "" {
		if k.Type.isList() {
			s += ", each " + b
		} else {
			s += " " + b
		}
	}
	if n := k.lenText(); n != "" {
		s += ", " + n
	}
	return s
}

// lenText describes the list length bounds; "" when none.
func (k *Key) lenText() string {
	switch {
	case k.MinLen > 0 && k.MaxLen > 0 && k.MinLen == k.MaxLen:
		return fmt.Sprintf("exactly %d elements", k.MinLen)
	case k.MinLen > 0 && k.MaxLen > 0:
		return fmt.Sprintf("%d to %d elements", k.MinLen, k.MaxLen)
	case k.MinLen > 0:
		return fmt.Sprintf("at least %d element%s", k.MinLen, plural(k.MinLen))
	case k.MaxLen > 0:
		return fmt.Sprintf("at most %d element%s", k.MaxLen, plural(k.MaxLen))
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// inBounds reports whether x satisfies the key's numeric bounds.
func (k *Key) inBounds(x float64) bool {
	if k.Min != nil && (x < *k.Min || (k.MinExclusive && x == *k.Min)) {
		return false
	}
	if k.Max != nil && (x > *k.Max || (k.MaxExclusive && x == *k.Max)) {
		return false
	}
	return true
}

// formatFloat writes x in the shortest form that reads back exactly.
func formatFloat(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return fmt.Sprintf("%.0f", x)
	}
	s := strconv.FormatFloat(x, 'g', -1, 64)
	// 1e-08 → 1e-8, as people write it.
	if i := strings.IndexAny(s, "e"); i >= 0 && i+2 < len(s) {
		exp := strings.TrimLeft(s[i+2:], "0")
		if exp == "" {
			exp = "0"
		}
		s = s[:i+2] + exp
	}
	return s
}

// validName reports whether a dotted key name is well formed.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for _, seg := range strings.Split(name, ".") {
		if seg == "" {
			return false
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return false
			}
		}
	}
	return true
}

// check reports a programmer error in the schema: a malformed or duplicate
// name, a key that is also a section, a default of the wrong type or outside
// its own bounds.
func (s *Schema) check() error {
	seen := map[string]bool{}
	for i := range s.Keys {
		k := &s.Keys[i]
		if !validName(k.Name) {
			return fmt.Errorf("config: schema %q: key name %q is malformed: want dotted lower-case segments of [a-z0-9_]", s.Name, k.Name)
		}
		if seen[k.Name] {
			return fmt.Errorf("config: schema %q: key %q is listed twice", s.Name, k.Name)
		}
		seen[k.Name] = true
		for _, a := range k.Aliases {
			if !validName(a) || seen[a] {
				return fmt.Errorf("config: schema %q: alias %q of key %q is malformed or names another key", s.Name, a, k.Name)
			}
			seen[a] = true
		}
		if k.Type < String || k.Type > StringList {
			return fmt.Errorf("config: schema %q: key %q has unknown type %d", s.Name, k.Name, int(k.Type))
		}
		if len(k.Enum) > 0 && k.Type != String && k.Type != StringList {
			return fmt.Errorf("config: schema %q: key %q is a %s but has an Enum; Enum is for strings", s.Name, k.Name, k.Type)
		}
		if k.Required {
			if k.Default != nil {
				return fmt.Errorf("config: schema %q: key %q is required and also has a default", s.Name, k.Name)
			}
			continue
		}
		if k.Default == nil {
			return fmt.Errorf("config: schema %q: key %q is neither required nor has a default", s.Name, k.Name)
		}
		v, ok := normalizeDefault(k.Type, k.Default)
		if !ok {
			return fmt.Errorf("config: schema %q: key %q of type %s has a default of Go type %T", s.Name, k.Name, k.Type, k.Default)
		}
		if msg := k.checkValue(v); msg != "" {
			return fmt.Errorf("config: schema %q: key %q: default %v %s", s.Name, k.Name, v, msg)
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if p := parentOf(n); p != "" {
			for p != "" {
				if seen[p] {
					return fmt.Errorf("config: schema %q: %q is both a key and the section of %q", s.Name, p, n)
				}
				p = parentOf(p)
			}
		}
	}
	return nil
}

// parentOf returns the section holding a dotted name ("" at the top level).
func parentOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

// normalizeDefault converts a Go default to the canonical Go type of t
// (int, float64, string, bool, []int, []float64, []string).
func normalizeDefault(t Type, d any) (any, bool) {
	switch t {
	case String:
		v, ok := d.(string)
		return v, ok
	case Int:
		v, ok := d.(int)
		return v, ok
	case Float:
		switch v := d.(type) {
		case float64:
			return v, true
		case int:
			return float64(v), true
		}
	case Bool:
		v, ok := d.(bool)
		return v, ok
	case IntList:
		v, ok := d.([]int)
		return slices.Clone(v), ok
	case FloatList:
		v, ok := d.([]float64)
		return slices.Clone(v), ok
	case StringList:
		v, ok := d.([]string)
		return slices.Clone(v), ok
	}
	return nil, false
}

// checkValue checks a typed value against bounds, enum and length; it
// returns "" when valid and otherwise a phrase such as "is out of range: must
// be ≥ 0".
func (k *Key) checkValue(v any) string {
	num := func(x float64) string {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "is not a finite number: must be " + k.allowedText()
		}
		if !k.inBounds(x) {
			return "is out of range: must be " + k.boundsText()
		}
		return ""
	}
	str := func(s string) string {
		if len(k.Enum) > 0 && !slices.Contains(k.Enum, s) {
			return "is not allowed: must be one of " + strings.Join(k.Enum, ", ")
		}
		return ""
	}
	length := func(n int) string {
		if (k.MinLen > 0 && n < k.MinLen) || (k.MaxLen > 0 && n > k.MaxLen) {
			return fmt.Sprintf("has %d element%s: must have %s", n, plural(n), k.lenText())
		}
		return ""
	}
	switch x := v.(type) {
	case int:
		return num(float64(x))
	case float64:
		return num(x)
	case string:
		return str(x)
	case bool:
		return ""
	case []int:
		if m := length(len(x)); m != "" {
			return m
		}
		for i, e := range x {
			if m := num(float64(e)); m != "" {
				return fmt.Sprintf("element %d (%d) %s", i, e, m)
			}
		}
	case []float64:
		if m := length(len(x)); m != "" {
			return m
		}
		for i, e := range x {
			if m := num(e); m != "" {
				return fmt.Sprintf("element %d (%s) %s", i, formatFloat(e), m)
			}
		}
	case []string:
		if m := length(len(x)); m != "" {
			return m
		}
		for i, e := range x {
			if m := str(e); m != "" {
				return fmt.Sprintf("element %d (%s) %s", i, e, m)
			}
		}
	}
	return ""
}
