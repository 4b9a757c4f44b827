// Package report writes the one page a person opens to learn what a run
// did: DIR/report.html, a self-contained HTML file (styles, script and
// pictures inside it, no network requests) with the run's resolved config,
// its headline numbers, SVG plots of metrics.jsonl, the latest pictures with
// a slider over the epochs kept in epochs/, its tables (sortable) and text
// samples, followed by every explanation, augmentation or glass-box result
// whose summary.json names the run as its source (runs.SourceKey), found
// among the run's siblings and in the directories given as Also.
//
// A directory whose summary.json lists "parts" (the demo's) gets an
// overview instead: one section per part, in that order, each linking to
// the part's own report.
package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"genxai/runs"
	"genxai/xai/progress"
)

// File is the report's name inside a run directory.
const File = "report.html"

// Options are the choices of Write.
type Options struct {
	// Also lists more directories to search for results naming the run as
	// their source: each directory itself and its subdirectories.
	Also []string
	// Progress reports the sections read (nil: silent); commands make it
	// with progress.New on stderr.
	Progress *progress.Meter
}

// Page is what the template renders.
type Page struct {
	Title    string
	Written  string
	Overview bool
	Sections []*Section
}

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"inc":      func(i int) int { return i + 1 },
	"fontFace": func() template.CSS { return goFontFace },
}).Parse(pageTemplate))

// Write writes DIR/report.html for the run directory dir and returns its
// path.
func Write(dir string, o Options) (string, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("report: %s is not a run directory (%v); pass the --out directory of a genxai command", dir, errOrFile(err))
	}
	summary, err := readSummary(dir)
	if err != nil {
		return "", err
	}
	p := &Page{Title: filepath.Base(absPath(dir)), Written: time.Now().Format("2006-01-02 15:04:05")}
	if parts := stringList(summary["parts"]); len(parts) > 0 {
		p.Overview = true
		p.Title = "genxai demo: " + p.Title
		top, err := readSection(dir)
		if err != nil {
			return "", err
		}
		top.Texts, top.Files, top.Numbers = nil, nil, nil
		top.Tables = []Table{partsTable(parts, summary)}
		p.Sections = append(p.Sections, top)
		for i, part := range parts {
			s, err := o.read(filepath.Join(dir, part), i, len(parts))
			if err != nil {
				return "", err
			}
			if _, err := os.Stat(filepath.Join(dir, part, File)); err == nil {
				s.Report = part + "/" + File
			}
			p.Sections = append(p.Sections, s)
		}
	} else {
		related, err := Related(dir, o.Also)
		if err != nil {
			return "", err
		}
		main, err := o.read(dir, 0, 1+len(related))
		if err != nil {
			return "", err
		}
		p.Sections = append(p.Sections, main)
		for i, r := range related {
			s, err := o.read(r, 1+i, 1+len(related))
			if err != nil {
				return "", err
			}
			p.Sections = append(p.Sections, s)
		}
	}
	linkSources(p.Sections)
	var b bytes.Buffer
	if err := page.Execute(&b, p); err != nil {
		return "", fmt.Errorf("report: rendering the page: %w", err)
	}
	path := filepath.Join(dir, File)
	if err := runs.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b.Bytes())
		return err
	}); err != nil {
		return "", err
	}
	return path, nil
}

// read reads section i of n, from dir, and reports it on o.Progress.
func (o Options) read(dir string, i, n int) (*Section, error) {
	s, err := readSection(dir)
	o.Progress.Report(int64(i+1), int64(n), "sections", "read "+filepath.Base(dir), false)
	return s, err
}

// linkSources gives each section an anchor and points its sources at the
// sections of the page they name.
func linkSources(ss []*Section) {
	for i, s := range ss {
		s.ID = fmt.Sprintf("s%d", i)
	}
	for _, s := range ss {
		for j, l := range s.Sources {
			for _, t := range ss {
				if t != s && names(l.Text, t.Path) {
					s.Sources[j].Anchor = t.ID
				}
			}
		}
	}
}

// Related returns the directories among dir's siblings, the directories in
// also and their subdirectories, whose summary.json names dir as its
// source, sorted by path.
func Related(dir string, also []string) ([]string, error) {
	var cands []string
	add := func(parent string) error {
		es, err := os.ReadDir(parent)
		if err != nil {
			return fmt.Errorf("report: looking for results of %s: %w", dir, err)
		}
		for _, e := range es {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				cands = append(cands, filepath.Join(parent, e.Name()))
			}
		}
		return nil
	}
	if err := add(filepath.Dir(absPath(dir))); err != nil {
		return nil, err
	}
	for _, a := range also {
		cands = append(cands, a)
		if err := add(a); err != nil {
			return nil, err
		}
	}
	var out []string
	seen := map[string]bool{absPath(dir): true}
	for _, c := range cands {
		if seen[absPath(c)] {
			continue
		}
		seen[absPath(c)] = true
		summary, err := readSummary(c)
		if err != nil {
			continue // not a run, or a broken one: not this run's result
		}
		if slices.ContainsFunc(sourcesOf(summary), func(src string) bool { return names(src, dir) }) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// names reports whether the source entry src names the directory dir: the
// same absolute path, or (for runs moved together with their results) the
// same base name.
func names(src, dir string) bool {
	if strings.HasPrefix(src, "builtin:") || src == "" {
		return false
	}
	a, b := absPath(src), absPath(dir)
	return a == b || filepath.Base(a) == filepath.Base(b)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func errOrFile(err error) error {
	if err == nil {
		return fmt.Errorf("it is a file")
	}
	return err
}

// partsTable lists an overview's parts with what each is ("part_what") and
// the seconds it took ("part_seconds"), as the demo's summary records them.
func partsTable(parts []string, summary map[string]any) Table {
	what, _ := summary["part_what"].(map[string]any)
	secs, _ := summary["part_seconds"].(map[string]any)
	t := Table{Name: "parts", Header: []string{"part", "what", "seconds"}}
	for _, p := range parts {
		w, _ := what[p].(string)
		sec := ""
		if v, ok := secs[p].(float64); ok {
			sec = fmt.Sprintf("%.1f", v)
		}
		t.Rows = append(t.Rows, []string{p, w, sec})
	}
	if v, ok := summary["seconds"].(float64); ok {
		t.Rows = append(t.Rows, []string{"all", "the whole demo", fmt.Sprintf("%.1f", v)})
	}
	return t
}

// dataURI matches a data: URI up to its closing quote.
var dataURI = regexp.MustCompile(`data:[^"'\s]*`)

// URLOutsideData returns the text around the first "http" (any case) of
// page outside its data: URIs, or "" when there is none: a report must
// name no network resource. Tests of the report and the demo use it.
func URLOutsideData(page string) string {
	s := dataURI.ReplaceAllString(page, "data:")
	i := strings.Index(strings.ToLower(s), "http")
	if i < 0 {
		return ""
	}
	return s[max(0, i-40):min(len(s), i+60)]
}
