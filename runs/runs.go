// Package runs creates and writes run directories, the one place where a
// genxai command leaves its results (see docs/design.md, "Run directory
// contract"):
//
//	config.yaml      the fully resolved config
//	summary.json     headline numbers, device, executor, seconds, versions
//	metrics.jsonl    one JSON object per logged step or epoch
//	run.json         which command wrote the directory (see Create)
//	.lock            held by the writing process (see Create)
//	checkpoint.*     weights and training state (package runs/checkpoint)
//	*.png, *.csv     artefacts
//
// Every whole-file write goes through WriteFileAtomic, so a reader never sees
// a half-written file and a crash leaves either the old or the new content.
// metrics.jsonl is the exception by design: it is appended to and flushed line
// by line so that a crashed run keeps everything it logged.
package runs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// File names fixed by the run directory contract.
const (
	ConfigFile  = "config.yaml"
	SummaryFile = "summary.json"
	MetricsFile = "metrics.jsonl"
)

// Dir is a run directory on disk, opened by Create or Resume, whose lock the
// process holds until Close.
type Dir struct {
	// Path is the directory's path as given to Create or Resume.
	Path string
	// Notes lists what opening the directory repaired (a stale lock taken
	// over, temporary files removed); each was also printed on stderr.
	Notes []string

	lock *dirLock
}

// note records and prints on standard error something Create or Resume
// repaired.
func (d *Dir) note(s string) {
	d.Notes = append(d.Notes, s)
	fmt.Fprintln(noteOut, "note: "+s)
}

// noteOut receives the notes of Create and Resume.
var noteOut io.Writer = os.Stderr

// File returns the path of the file name inside the run directory.
func (d *Dir) File(name string) string { return filepath.Join(d.Path, name) }

// WriteJSON writes v as indented JSON to the file name in the run directory,
// atomically.
func (d *Dir) WriteJSON(name string, v any) error {
	path := d.File(name)
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: encoding JSON: %w", path, err)
	}
	b = append(b, '\n')
	return WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// WriteSummary writes summary.json: the entries of s plus "versions" (Go,
// genxai and gorgonia versions, see Versions) and "written_at" (RFC 3339).
// s is not modified. Keys "versions" and "written_at" given in s are
// overwritten.
func (d *Dir) WriteSummary(s map[string]any) error {
	out := make(map[string]any, len(s)+2)
	for k, v := range s {
		out[k] = v
	}
	out["versions"] = Versions()
	out["written_at"] = time.Now().Format(time.RFC3339)
	return d.WriteJSON(SummaryFile, out)
}

// WriteConfig writes settings as YAML to config.yaml, atomically. Nested maps
// (map[string]any and map[any]any as produced by viper) are written with
// their keys sorted so that the same config always gives the same file.
func (d *Dir) WriteConfig(settings map[string]any) error {
	path := d.File(ConfigFile)
	node, err := yamlNode(settings)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{node}}
	return WriteFileAtomic(path, func(w io.Writer) error {
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return err
		}
		return enc.Close()
	})
}

// yamlNode converts v into a YAML node, sorting map keys at every level.
func yamlNode(v any) (*yaml.Node, error) {
	switch m := v.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(m))
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range keys {
			c, err := yamlNode(m[k])
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, c)
		}
		return n, nil
	case map[any]any:
		sm := make(map[string]any, len(m))
		for k, val := range m {
			sm[fmt.Sprint(k)] = val
		}
		return yamlNode(sm)
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i, e := range m {
			c, err := yamlNode(e)
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	default:
		return encodeScalar(v)
	}
}

// encodeScalar lets yaml.v3 encode a leaf value (it sorts the keys of any
// other map type itself). yaml.v3 panics on values it cannot represent, such
// as functions and channels; that panic becomes an error here.
func encodeScalar(v any) (n *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, fmt.Errorf("value of type %T cannot be written as YAML: %v", v, r)
		}
	}()
	n = &yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("value of type %T cannot be written as YAML: %w", v, err)
	}
	return n, nil
}

// Versions reports the versions that produced a result: "go" (the Go
// runtime), "genxai" (the main module's version from the build info, or
// "devel" for a build from a working tree) and "gorgonia" (the version of
// gorgonia.org/gorgonia linked in, or "unknown").
func Versions() map[string]string {
	v := map[string]string{"go": runtime.Version(), "genxai": "devel", "gorgonia": "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Path == "genxai" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v["genxai"] = bi.Main.Version
	}
	for _, dep := range bi.Deps {
		if dep.Path == "gorgonia.org/gorgonia" {
			v["gorgonia"] = dep.Version
			if dep.Replace != nil {
				v["gorgonia"] = dep.Replace.Version + " (replaced by " + dep.Replace.Path + ")"
			}
		}
	}
	return v
}

// Metrics appends one JSON object per line to metrics.jsonl. Each line is
// flushed to the operating system as soon as it is logged, so a crash keeps
// every line written before it. It is safe for concurrent use.
type Metrics struct {
	mu   sync.Mutex
	path string
	f    *os.File
	w    *bufio.Writer
}

// OpenMetrics opens metrics.jsonl for appending, creating it if needed.
func (d *Dir) OpenMetrics() (*Metrics, error) {
	path := d.File(MetricsFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return &Metrics{path: path, f: f, w: bufio.NewWriter(f)}, nil
}

// Log writes v as one JSON line and flushes it. Values that JSON cannot
// represent (NaN, ±Inf, channels, functions) make Log fail naming the file
// and leave the file unchanged.
func (m *Metrics) Log(v map[string]any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("writing %s: encoding metrics line: %w (replace NaN/Inf by null or a string)", m.path, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.f == nil {
		return fmt.Errorf("writing %s: metrics file already closed", m.path)
	}
	b = append(b, '\n')
	if _, err := m.w.Write(b); err != nil {
		return fmt.Errorf("writing %s: %w", m.path, err)
	}
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", m.path, err)
	}
	return nil
}

// Close flushes, syncs and closes metrics.jsonl. Closing twice is not an error.
func (m *Metrics) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.f == nil {
		return nil
	}
	f := m.f
	m.f = nil
	err := m.w.Flush()
	if e := f.Sync(); err == nil {
		err = e
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("closing %s: %w", m.path, err)
	}
	return nil
}

// WriteFileAtomic writes a file through write so that path holds either its
// old content or the complete new content, never a mixture: the data goes to
// a temporary file in the same directory, which is synced, renamed over path,
// and the directory is synced so the rename survives a crash. On any error
// the temporary file is removed and path is left untouched. The new file has
// mode 0644.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	faultPoint("create", path)
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	faultPoint("fsync", path)
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: syncing: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	faultPoint("rename", path)
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: renaming temporary file: %w", path, err)
	}
	faultPoint("dirsync", path)
	if d, e := os.Open(dir); e == nil {
		// Some file systems do not support syncing a directory; the rename
		// has happened either way, so that failure is not reported.
		d.Sync()
		d.Close()
	}
	faultPoint("done", path)
	return nil
}

// faultPoint is called by WriteFileAtomic at each step of a write, named by
// point ("create", "fsync", "rename", "dirsync", "done": before that
// operation, or after the last), with the path written. It does nothing
// except in a build with the crash tag, where it kills the process at the
// point GENXAI_CRASH_AT names (see fault_crash.go).
var faultPoint = func(point, path string) {}
