package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"
)

// EnvPrefix starts the name of every environment variable that overrides a
// config key.
const EnvPrefix = "GENXAI_"

// maxEntries bounds how many leaves one layer may hold, so that YAML aliases
// cannot make the walk explode.
const maxEntries = 10000

// maxDepth bounds how deeply mappings may nest.
const maxDepth = 64

// EnvName returns the environment variable that overrides key: the key upper
// cased, dots turned into underscores, after EnvPrefix ("train.lr" →
// "GENXAI_TRAIN_LR").
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Problem is one thing wrong with a config: where it was found, the key, the
// value and what is wrong with it. Its message reads, for example,
//
//	configs/x.yaml:12: train.lr = -0.1 is out of range: must be > 0 and ≤ 10
type Problem struct {
	// Source is the file path, the environment variable, or "--set k=v".
	Source string
	// Line is the 1-based line in the file; 0 when not from a file.
	Line int
	// Key is the dotted key as written; "" for problems of the whole file.
	Key string
	// Value is the value found, rendered compactly; "" when there is none.
	Value string
	// Msg says what is wrong and what is allowed.
	Msg string
	// Err is the underlying error, if any (for errors.Is and errors.As).
	Err error
}

// Error formats the problem as "source[:line]: key = value msg".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Source)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key)
		if p.Value != "" {
			b.WriteString(" = ")
			b.WriteString(p.Value)
		}
		b.WriteString(" ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (p *Problem) Unwrap() error { return p.Err }

// Error holds every problem found while loading one config, sorted by key.
// Its message has one problem per line.
type Error struct {
	Problems []error
}

// Error joins the problems, one per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, so errors.Is and errors.As see each of them.
func (e *Error) Unwrap() []error { return e.Problems }

// newError sorts problems by key (problems of the whole file first) and wraps
// them; it returns nil when there are none.
func newError(problems []error) error {
	if len(problems) == 0 {
		return nil
	}
	key := func(err error) string {
		var p *Problem
		if errors.As(err, &p) {
			return strings.ToLower(p.Key)
		}
		return ""
	}
	sort.SliceStable(problems, func(i, j int) bool { return key(problems[i]) < key(problems[j]) })
	return &Error{Problems: problems}
}

// entry is one leaf value found in a layer.
type entry struct {
	key    string     // dotted key as written
	node   *yaml.Node // the value
	src    string     // file path, env var or "--set k=v"
	line   int        // line in the file, 0 elsewhere
	rawErr error      // for env and --set values that are not valid YAML
}

// loader gathers the layers of one config before a schema is applied.
type loader struct {
	path     string
	env      map[string]string
	file     []entry
	sets     []entry
	problems []error
	fileOK   bool
}

// Load reads the YAML config at path, applies GENXAI_* environment variables
// and then the --set overrides in sets (each "key=value", the later winning),
// and validates the result strictly against schema. On failure the error is
// an *Error listing every problem, each naming its source, key, value and
// what is allowed.
func Load(path string, schema Schema, sets []string) (*Config, error) {
	data, err := os.ReadFile(path)
	return load(path, data, err, schema, sets, os.Environ())
}

// Parse is Load for a config held in memory, such as one embedded in the
// binary; name stands for the file in messages.
func Parse(name string, data []byte, schema Schema, sets []string) (*Config, error) {
	return load(name, data, nil, schema, sets, os.Environ())
}

// load is Load with the file's bytes and the environment passed in.
func load(path string, data []byte, readErr error, schema Schema, sets, environ []string) (*Config, error) {
	if err := schema.check(); err != nil {
		return nil, err
	}
	l := newLoader(path, data, readErr, sets, environ)
	return l.validate(&schema)
}

// newLoader parses the file and the --set overrides into entries.
func newLoader(path string, data []byte, readErr error, sets, environ []string) *loader {
	l := &loader{path: path, env: map[string]string{}}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, EnvPrefix) {
			l.env[k] = v
		}
	}
	if readErr != nil {
		l.problems = append(l.problems, readProblem(path, readErr))
	} else {
		l.readFile(data)
	}
	for _, s := range sets {
		l.readSet(s)
	}
	return l
}

// readProblem explains why the file could not be read.
func readProblem(path string, err error) *Problem {
	msg := "cannot be read: " + err.Error()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		wd, _ := os.Getwd()
		msg = fmt.Sprintf("does not exist: check the path (relative paths start in %s)", wd)
	case errors.Is(err, fs.ErrPermission):
		msg = "cannot be read: permission denied"
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
			msg = "is a directory: give the path of a YAML file"
		}
	}
	return &Problem{Source: path, Msg: msg, Err: err}
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlProblem turns a YAML or viper parse error into a problem with the line
// it names.
func yamlProblem(path string, err error) *Problem {
	p := &Problem{Source: path, Err: err}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "While parsing config: ")
	msg = strings.ReplaceAll(msg, "yaml: unmarshal errors:\n", "")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimSpace(msg)
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(m[2])
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + " (and more)"
	}
	p.Msg = "is not valid YAML: " + msg
	return p
}

// readFile parses the file's bytes with viper (for its errors) and yaml.v3
// (for the structure and line numbers) and collects its leaves.
func (l *loader) readFile(data []byte) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		l.problems = append(l.problems, yamlProblem(l.path, err))
		return
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode || (root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
		l.problems = append(l.problems, &Problem{Source: l.path,
			Msg: `is empty: write a YAML mapping of keys, e.g. "model:" then "  kind: vae" on the next line`})
		return
	}
	var next yaml.Node
	if err := dec.Decode(&next); err != io.EOF {
		p := &Problem{Source: l.path, Line: next.Line,
			Msg: "holds more than one YAML document: keep one (remove the second ---)"}
		if err != nil {
			p = yamlProblem(l.path, err)
		}
		l.problems = append(l.problems, p)
		return
	}
	if root.Kind != yaml.MappingNode {
		l.problems = append(l.problems, &Problem{Source: l.path, Line: root.Line, Value: render(root),
			Msg: fmt.Sprintf("is %s at the top level: the file must be a YAML mapping of keys", describe(root))})
		return
	}
	// viper reads the same bytes: it catches what a node tree does not,
	// such as a key defined twice in one mapping.
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		l.problems = append(l.problems, yamlProblem(l.path, err))
		return
	}
	l.fileOK = true
	w := walker{src: l.path, fromFile: true, lines: map[string]int{}}
	w.walk("", root, root.Line, 0)
	l.file = w.entries
	l.problems = append(l.problems, w.problems...)
}

// readSet parses one "key=value" override.
func (l *loader) readSet(s string) {
	src := "--set " + clip(s, 80)
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		l.problems = append(l.problems, &Problem{Source: src,
			Msg: "is malformed: expected key=value, e.g. --set train.lr=3e-4"})
		return
	}
	k = strings.TrimSpace(k)
	if k == "" {
		l.problems = append(l.problems, &Problem{Source: src,
			Msg: "has no key before '=': expected key=value, e.g. --set train.lr=3e-4"})
		return
	}
	node, rawErr := parseValue(v)
	w := walker{src: src, lines: map[string]int{}}
	w.walk(k, node, 0, 0)
	for i := range w.entries {
		w.entries[i].rawErr = rawErr
	}
	l.sets = append(l.sets, w.entries...)
	l.problems = append(l.problems, w.problems...)
}

// parseValue reads an environment or --set value with YAML's scalar and flow
// rules. Text that is not valid YAML is kept as a plain string, and the parse
// error is returned for the message should a non-string be wanted.
func parseValue(text string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: text}, err
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0], nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, nil
}

// walker flattens a YAML tree into dotted leaves.
type walker struct {
	src      string
	fromFile bool
	lines    map[string]int // key → line where first set, for duplicates
	entries  []entry
	problems []error
	stopped  bool
}

// walk records the leaves under node, whose dotted key is prefix.
func (w *walker) walk(prefix string, node *yaml.Node, line, depth int) {
	if w.stopped {
		return
	}
	node = deref(node)
	if depth > maxDepth || len(w.entries) >= maxEntries {
		w.problems = append(w.problems, &Problem{Source: w.src, Line: line, Key: prefix,
			Msg: fmt.Sprintf("nests too deeply or holds too many keys (limits: depth %d, %d keys)", maxDepth, maxEntries)})
		w.stopped = true
		return
	}
	if node.Kind != yaml.MappingNode || len(node.Content) == 0 {
		if prefix == "" {
			return
		}
		if first, dup := w.lines[prefix]; dup && w.fromFile {
			w.problems = append(w.problems, &Problem{Source: w.src, Line: line, Key: prefix, Value: render(node),
				Msg: fmt.Sprintf("is set twice: also at line %d; keep one", first)})
			return
		}
		w.lines[prefix] = line
		w.entries = append(w.entries, entry{key: prefix, node: node, src: w.src, line: line})
		return
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		kn, vn := node.Content[i], node.Content[i+1]
		kline := kn.Line
		if !w.fromFile {
			kline = 0
		}
		if kn.Kind != yaml.ScalarNode {
			w.problems = append(w.problems, &Problem{Source: w.src, Line: kline, Key: prefix, Value: render(kn),
				Msg: fmt.Sprintf("has a key that is %s: keys must be plain names", describe(kn))})
			continue
		}
		if kn.Tag == "!!merge" {
			w.problems = append(w.problems, &Problem{Source: w.src, Line: kline, Key: prefix,
				Msg: "uses a YAML merge key (<<): write the keys out instead"})
			continue
		}
		name := kn.Value
		if prefix != "" {
			name = prefix + "." + name
		}
		w.walk(name, vn, kline, depth+1)
	}
}

// deref follows YAML aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

// describe names the kind of a YAML value: "a string", "an int", "a list"...
func describe(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return "a string"
		case "!!int":
			return "an int"
		case "!!float":
			return "a float"
		case "!!bool":
			return "a bool"
		case "!!null":
			return "null"
		case "!!timestamp":
			return "a timestamp"
		}
		return "a value tagged " + n.Tag
	}
	return "an alias"
}

// render writes a YAML value compactly in flow style for messages.
func render(n *yaml.Node) string {
	budget := 60
	var b strings.Builder
	renderTo(&b, n, &budget, 0)
	s := b.String()
	if budget < 0 {
		s = clip(s, 60)
	}
	return s
}

func renderTo(b *strings.Builder, n *yaml.Node, budget *int, depth int) {
	if *budget < 0 || depth > 8 {
		b.WriteString("…")
		*budget = -1
		return
	}
	n = deref(n)
	start := b.Len()
	switch n.Kind {
	case yaml.ScalarNode:
		switch {
		case n.Tag == "!!null" && n.Value == "":
			b.WriteString("null")
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 || strings.ContainsAny(n.Value, "\n\t"):
			b.WriteString(strconv.Quote(n.Value))
		case n.Value == "":
			b.WriteString(`""`)
		default:
			b.WriteString(n.Value)
		}
	case yaml.SequenceNode:
		b.WriteString("[")
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			renderTo(b, c, budget, depth+1)
			if *budget < 0 {
				break
			}
		}
		b.WriteString("]")
	case yaml.MappingNode:
		b.WriteString("{")
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			renderTo(b, n.Content[i], budget, depth+1)
			b.WriteString(": ")
			renderTo(b, n.Content[i+1], budget, depth+1)
			if *budget < 0 {
				break
			}
		}
		b.WriteString("}")
	default:
		b.WriteString("?")
	}
	*budget -= b.Len() - start
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// origin records where a resolved value came from.
type origin struct {
	src  string // "" for the default
	line int
}

func (o origin) String() string {
	switch {
	case o.src == "":
		return "default"
	case o.line > 0:
		return fmt.Sprintf("%s:%d", o.src, o.line)
	}
	return o.src
}

// envEntries collects the environment variables that name keys of the
// schema, and reports those under a schema section that name no key.
func (l *loader) envEntries(s *Schema) ([]entry, []error) {
	byEnv := map[string]string{}
	sectionEnv := map[string]bool{}
	for _, k := range s.Keys {
		byEnv[EnvName(k.Name)] = k.Name
		for _, a := range k.Aliases {
			byEnv[EnvName(a)] = k.Name
		}
		for p := parentOf(k.Name); p != ""; p = parentOf(p) {
			sectionEnv[EnvName(p)+"_"] = true
		}
	}
	names := slices.Sorted(maps.Keys(l.env))
	var out []entry
	var problems []error
	for _, n := range names {
		if key, ok := byEnv[n]; ok {
			node, rawErr := parseValue(l.env[n])
			out = append(out, entry{key: key, node: node, src: n, rawErr: rawErr})
			continue
		}
		for sec := range sectionEnv {
			if strings.HasPrefix(n, sec) {
				msg := "names no key of the " + s.Name + " schema"
				if sug := suggest(n, slices.Sorted(maps.Keys(byEnv)), true); sug != "" {
					msg += ": did you mean " + sug + "?"
				} else {
					msg += ": see docs/config.md for the keys (variables are GENXAI_ and the key with dots as underscores)"
				}
				problems = append(problems, &Problem{Source: "environment", Key: n, Value: clip(l.env[n], 60), Msg: msg})
				break
			}
		}
	}
	return out, problems
}

// validate applies the schema to every layer, resolves the values (file,
// then environment, then --set) and runs the schema's cross-key checks.
func (l *loader) validate(s *Schema) (*Config, error) {
	c := newConfig(l.path, s)
	problems := append([]error(nil), l.problems...)
	envs, envProblems := l.envEntries(s)
	problems = append(problems, envProblems...)
	layers := make([]entry, 0, len(l.file)+len(envs)+len(l.sets))
	layers = append(layers, l.file...)
	layers = append(layers, envs...)
	layers = append(layers, l.sets...)
	for _, e := range layers {
		if name, ok := c.aliases[e.key]; ok {
			e.key = name
		}
		v, p := c.check(e)
		if p != nil {
			problems = append(problems, p)
			continue
		}
		if v == nil { // an empty section
			continue
		}
		c.values[e.key] = v
		c.origins[e.key] = origin{src: e.src, line: e.line}
	}
	if l.fileOK || len(l.problems) == 0 {
		for _, k := range s.Keys {
			if _, ok := c.values[k.Name]; !ok && k.Required {
				problems = append(problems, &Problem{Source: l.path, Key: k.Name,
					Msg: fmt.Sprintf("is required but not set: must be %s; set it in the file, with %s or with --set %s=…",
						k.allowedText(), EnvName(k.Name), k.Name)})
			}
		}
	}
	if len(problems) == 0 && s.Validate != nil {
		problems = append(problems, s.Validate(c)...)
	}
	if err := newError(problems); err != nil {
		return nil, err
	}
	return c, nil
}

// check validates one entry against the schema and converts its value. It
// returns (nil, nil) for an empty section, which sets nothing.
func (c *Config) check(e entry) (any, *Problem) {
	p := &Problem{Source: e.src, Line: e.line, Key: e.key, Value: render(e.node)}
	k, ok := c.keys[e.key]
	if !ok {
		if c.sections[e.key] {
			n := deref(e.node)
			if (n.Kind == yaml.ScalarNode && n.Tag == "!!null") || (n.Kind == yaml.MappingNode && len(n.Content) == 0) {
				return nil, nil
			}
			p.Msg = fmt.Sprintf("is %s, but %s is a section: set its keys instead, e.g. %s", describe(n), e.key, c.firstUnder(e.key))
			return nil, p
		}
		p.Msg = c.unknownMsg(e.key)
		return nil, p
	}
	v, msg := convert(k, e.node)
	if msg == "" {
		msg = k.checkValue(v)
	}
	if msg != "" {
		if e.rawErr != nil && deref(e.node).Tag == "!!str" && k.Type != String {
			msg += fmt.Sprintf(" (the value is not valid YAML: %s)", strings.TrimPrefix(e.rawErr.Error(), "yaml: "))
		}
		p.Msg = msg
		return nil, p
	}
	return v, nil
}

// firstUnder returns the first schema key inside a section.
func (c *Config) firstUnder(section string) string {
	for _, k := range c.schema.Keys {
		if strings.HasPrefix(k.Name, section+".") {
			return k.Name
		}
	}
	return section
}

// unknownMsg explains an unknown key and suggests the nearest known one.
func (c *Config) unknownMsg(key string) string {
	names := make([]string, len(c.schema.Keys))
	for i, k := range c.schema.Keys {
		names[i] = k.Name
	}
	for p := parentOf(key); p != ""; p = parentOf(p) {
		if k, ok := c.keys[p]; ok {
			return fmt.Sprintf("is not a known key: %s is a %s, not a section", p, k.Type)
		}
	}
	msg := "is not a known key of the " + c.schema.Name + " schema"
	if sug := suggest(key, names, knownSection(key, c.sections)); sug != "" {
		return msg + ": did you mean " + sug + "?"
	}
	sec := parentOf(key)
	for sec != "" && !c.sections[sec] {
		sec = parentOf(sec)
	}
	var under []string
	for _, n := range names {
		if sec == "" && !strings.Contains(n, ".") || sec != "" && parentOf(n) == sec {
			under = append(under, n)
		}
	}
	if sec == "" {
		var secs []string
		for s := range c.sections {
			if !strings.Contains(s, ".") {
				secs = append(secs, s)
			}
		}
		sort.Strings(secs)
		return fmt.Sprintf("%s: top-level keys are %s; sections are %s", msg, strings.Join(under, ", "), strings.Join(secs, ", "))
	}
	return fmt.Sprintf("%s: keys under %s are %s", msg, sec, strings.Join(under, ", "))
}

// convert reads a YAML value as the key's type. It returns the typed value,
// or "" and a phrase saying what is wrong.
func convert(k *Key, n *yaml.Node) (any, string) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, fmt.Sprintf("has no value: must be %s (or remove the key to use the default)", k.allowedText())
	}
	wrong := func() string {
		return fmt.Sprintf("has the wrong type: expected %s, found %s", k.allowedText(), describe(n))
	}
	if !k.Type.isList() {
		if n.Kind != yaml.ScalarNode {
			return nil, wrong()
		}
		v, bad := scalar(k.Type, n)
		if bad == "wrong" {
			return nil, wrong()
		}
		if bad != "" {
			return nil, bad + ": must be " + k.allowedText()
		}
		return v, ""
	}
	if n.Kind != yaml.SequenceNode {
		return nil, wrong()
	}
	et := k.Type.elem()
	var ints []int
	var floats []float64
	var strs []string
	for i, c := range n.Content {
		c = deref(c)
		var v any
		bad := "wrong"
		if c.Kind == yaml.ScalarNode {
			v, bad = scalar(et, c)
		}
		if bad != "" {
			what := "has the wrong type"
			if bad != "wrong" {
				what = bad
			}
			return nil, fmt.Sprintf("element %d (%s) %s: must be %s", i, render(c), what, k.allowedText())
		}
		switch x := v.(type) {
		case int:
			ints = append(ints, x)
		case float64:
			floats = append(floats, x)
		case string:
			strs = append(strs, x)
		}
	}
	switch k.Type {
	case IntList:
		if ints == nil {
			ints = []int{}
		}
		return ints, ""
	case FloatList:
		if floats == nil {
			floats = []float64{}
		}
		return floats, ""
	default:
		if strs == nil {
			strs = []string{}
		}
		return strs, ""
	}
}

// scalar converts one scalar node to type t (a scalar type). bad is "" on
// success, "wrong" for a type mismatch, or a phrase such as "is not a whole
// number".
func scalar(t Type, n *yaml.Node) (v any, bad string) {
	switch t {
	case String:
		switch n.Tag {
		case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
			return n.Value, ""
		}
		return nil, "wrong"
	case Bool:
		if n.Tag != "!!bool" {
			return nil, "wrong"
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, "wrong"
		}
		return b, ""
	case Int, Float:
		if n.Tag == "!!str" && n.Style == 0 {
			// YAML reads an unquoted number that overflows float64 (1e999)
			// as a string; say what it is.
			if _, err := strconv.ParseFloat(n.Value, 64); errors.Is(err, strconv.ErrRange) {
				return nil, "is not a finite number (beyond the range of a 64-bit float)"
			}
		}
		if n.Tag != "!!int" && n.Tag != "!!float" {
			return nil, "wrong"
		}
		var x any
		if err := n.Decode(&x); err != nil {
			return nil, "is not a number"
		}
		var f float64
		isInt := false
		var i int64
		switch y := x.(type) {
		case int:
			i, isInt = int64(y), true
			f = float64(y)
		case int64:
			i, isInt = y, true
			f = float64(y)
		case uint64:
			f = float64(y)
		case float64:
			f = y
		default:
			return nil, "is not a number"
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "is not a finite number"
		}
		if t == Float {
			return f, ""
		}
		if isInt && int64(int(i)) == i {
			return int(i), ""
		}
		if f != math.Trunc(f) {
			return nil, "is not a whole number"
		}
		if math.Abs(f) > 1<<53 {
			return nil, "is too large for an int"
		}
		return int(f), ""
	}
	return nil, "wrong"
}
