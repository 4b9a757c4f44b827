package report

import (
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"genxai/runs"
)

// Limits that keep a page readable and its size in check.
const (
	maxTableRows = 200     // rows of a CSV shown; the rest are counted
	maxTextBytes = 4000    // bytes of a text sample shown
	maxImage     = 4 << 20 // bytes of a PNG embedded; a larger one is linked
)

// Section is what the page shows of one run directory.
type Section struct {
	ID      string // HTML anchor
	Title   string // the directory's base name
	Path    string // the directory as found
	Command string // from run.json ("train", "explain saliency", …)
	Sources []Link // what the run names as its source
	Report  string // relative link to the directory's own report.html, in an overview
	Config  string // config.yaml as written
	Numbers []Number
	Plots   []Plot
	Strips  []Strip
	Images  []Image
	Tables  []Table
	Texts   []Text
	Files   []string // other files, listed by name
}

// Link is a source: its text and, when it is a section of the page, its anchor.
type Link struct{ Text, Anchor string }

// Number is one headline entry of summary.json.
type Number struct{ Key, Value string }

// Image is a picture embedded as a data: URI.
type Image struct {
	Name string
	URI  template.URL
}

// Strip is a picture kept per epoch (epochs/NAME_epochNNN.png): the frames
// in epoch order, the last shown first, with a slider over them.
type Strip struct {
	Name   string
	Frames []Frame
}

// Frame is one epoch of a Strip.
type Frame struct {
	Epoch int
	URI   template.URL
}

// FramesJSON is the frames' URIs as a JSON array for the slider's script.
func (s Strip) FramesJSON() template.JS {
	uris := make([]string, len(s.Frames))
	for i, f := range s.Frames {
		uris[i] = string(f.URI)
	}
	b, _ := json.Marshal(uris)
	return template.JS(b)
}

// EpochsJSON is the frames' epochs as a JSON array.
func (s Strip) EpochsJSON() template.JS {
	e := make([]int, len(s.Frames))
	for i, f := range s.Frames {
		e[i] = f.Epoch
	}
	b, _ := json.Marshal(e)
	return template.JS(b)
}

// Last is the index of the last frame.
func (s Strip) Last() int { return len(s.Frames) - 1 }

// stripNotes say how to read the per-epoch pictures the trainers write
// (models/vae.go and models/gan.go draw them without a legend).
var stripNotes = map[string]string{
	"reconstructions": "top row: the first test images; bottom row: the decoded means of their latent codes",
	"samples":         "the model's decodings of random latent codes (a conditional GAN: one labelled row per class)",
}

// Note says how to read the strip's picture ("" when unknown).
func (s Strip) Note() string { return stripNotes[s.Name] }

// Table is a CSV file shown as a sortable table.
type Table struct {
	Name    string
	Header  []string
	Rows    [][]string
	Omitted int // rows not shown
}

// Text is a text file shown verbatim (a language model's sample).
type Text struct{ Name, Body string }

// epochFile matches the per-epoch files of a training run.
var epochFile = regexp.MustCompile(`^(.+)_epoch(\d+)\.png$`)

// readSection reads everything the page shows of the run directory dir.
func readSection(dir string) (*Section, error) {
	s := &Section{Path: dir, Title: filepath.Base(filepath.Clean(dir))}
	if b, err := os.ReadFile(filepath.Join(dir, runs.MarkerFile)); err == nil {
		var m struct{ Command string }
		if json.Unmarshal(b, &m) == nil {
			s.Command = m.Command
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, runs.ConfigFile)); err == nil {
		s.Config = string(b)
	}
	summary, err := readSummary(dir)
	if err != nil {
		return nil, err
	}
	s.Numbers = headline(summary)
	for _, src := range sourcesOf(summary) {
		s.Sources = append(s.Sources, Link{Text: src})
	}
	if _, err := os.Stat(filepath.Join(dir, runs.MetricsFile)); err == nil {
		recs, err := (&runs.Dir{Path: dir}).ReadMetrics()
		if err != nil {
			return nil, err
		}
		if s.Plots, err = metricPlots(recs); err != nil {
			return nil, fmt.Errorf("report of %s: %w", dir, err)
		}
	}
	if s.Strips, err = readStrips(filepath.Join(dir, runs.EpochsDir)); err != nil {
		return nil, err
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading run directory %s: %w", dir, err)
	}
	for _, e := range es {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		switch ext := filepath.Ext(name); {
		case ext == ".png" && s.hasStrip(strings.TrimSuffix(name, ext)):
			// shown as the last frame of its strip
		case ext == ".png":
			uri, err := pngURI(path)
			if err != nil {
				return nil, err
			}
			if uri == "" {
				s.Files = append(s.Files, name)
				continue
			}
			s.Images = append(s.Images, Image{Name: name, URI: uri})
		case ext == ".csv":
			t, err := readTable(path)
			if err != nil {
				return nil, err
			}
			s.Tables = append(s.Tables, t)
		case ext == ".txt":
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("report: %w", err)
			}
			body := string(b)
			if len(body) > maxTextBytes {
				body = body[:maxTextBytes] + "\n… (" + strconv.Itoa(len(b)-maxTextBytes) + " more bytes in " + name + ")"
			}
			s.Texts = append(s.Texts, Text{Name: name, Body: body})
		case name == runs.ConfigFile || name == runs.SummaryFile || name == runs.MetricsFile || name == runs.MarkerFile || name == "report.html":
		default:
			s.Files = append(s.Files, name)
		}
	}
	return s, nil
}

// hasStrip reports whether the section has a strip of the picture name.
func (s *Section) hasStrip(name string) bool {
	return slices.ContainsFunc(s.Strips, func(st Strip) bool { return st.Name == name })
}

// readSummary decodes summary.json; a directory without one has an empty
// summary.
func readSummary(dir string) (map[string]any, error) {
	b, err := os.ReadFile(filepath.Join(dir, runs.SummaryFile))
	if os.IsNotExist(err) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("report: %s is not a JSON object: %w", filepath.Join(dir, runs.SummaryFile), err)
	}
	return m, nil
}

// sourcesOf returns the summary's runs.SourceKey entries (a string or a
// list of strings).
func sourcesOf(summary map[string]any) []string {
	switch v := summary[runs.SourceKey].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// skipped are summary keys that are bookkeeping rather than results.
var skipped = map[string]bool{"versions": true, "written_at": true, "files": true, runs.SourceKey: true}

// headline flattens the summary's scalar entries (and those of its nested
// objects, as dotted keys) into sorted rows; lists are shown when short.
func headline(summary map[string]any) []Number {
	var out []Number
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		switch x := v.(type) {
		case map[string]any:
			if depth >= 3 {
				return
			}
			for k, e := range x {
				if depth == 0 && skipped[k] {
					continue
				}
				walk(prefix+k+".", e, depth+1)
			}
		case []any:
			if len(x) > 12 {
				out = append(out, Number{strings.TrimSuffix(prefix, "."), fmt.Sprintf("(%d values)", len(x))})
				return
			}
			b, _ := json.Marshal(x)
			if len(b) > 160 {
				b = append(b[:157], "…"...)
			}
			out = append(out, Number{strings.TrimSuffix(prefix, "."), string(b)})
		case float64:
			out = append(out, Number{strings.TrimSuffix(prefix, "."), strconv.FormatFloat(x, 'g', 6, 64)})
		case nil:
		default:
			out = append(out, Number{strings.TrimSuffix(prefix, "."), fmt.Sprint(x)})
		}
	}
	walk("", summary, 0)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// readStrips groups dir's NAME_epochNNN.png files by NAME, in epoch order.
// A missing dir has none.
func readStrips(dir string) ([]Strip, error) {
	es, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	byName := map[string]*Strip{}
	var names []string
	for _, e := range es {
		m := epochFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		epoch, _ := strconv.Atoi(m[2])
		uri, err := pngURI(filepath.Join(dir, e.Name()))
		if err != nil || uri == "" {
			return nil, err
		}
		st := byName[m[1]]
		if st == nil {
			st = &Strip{Name: m[1]}
			byName[m[1]] = st
			names = append(names, m[1])
		}
		st.Frames = append(st.Frames, Frame{Epoch: epoch, URI: uri})
	}
	sort.Strings(names)
	var out []Strip
	for _, n := range names {
		st := byName[n]
		sort.Slice(st.Frames, func(i, j int) bool { return st.Frames[i].Epoch < st.Frames[j].Epoch })
		out = append(out, *st)
	}
	return out, nil
}

// pngURI returns the PNG file as a data: URI, or "" when it is larger than
// maxImage (the page then lists it by name).
func pngURI(path string) (template.URL, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	if len(b) > maxImage {
		return "", nil
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b)), nil
}

// readTable reads a CSV file with a header row, keeping maxTableRows rows.
func readTable(path string) (Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return Table{}, fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return Table{}, fmt.Errorf("report: reading %s: %w", path, err)
	}
	t := Table{Name: filepath.Base(path)}
	if len(recs) == 0 {
		return t, nil
	}
	t.Header, recs = recs[0], recs[1:]
	if len(recs) > maxTableRows {
		t.Omitted = len(recs) - maxTableRows
		recs = recs[:maxTableRows]
	}
	t.Rows = recs
	return t, nil
}
