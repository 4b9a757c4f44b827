package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// MarkerFile records which command wrote a run directory; Create writes it
// first, so even a run killed in its first second is recognized as a run.
const MarkerFile = "run.json"

// resumed lists the commands whose runs are continued (train --resume)
// rather than replaced: a new run over one of them needs force.
var resumed = map[string]bool{"train": true}

// outputPatterns match the files a genxai command writes at the top of its
// run directory (see the run directory contract in docs/design.md). Create
// with force deletes exactly these; anything else is left alone.
var outputPatterns = []string{"*.yaml", "*.json", "*.jsonl", "*.safetensors", "*.png", "*.csv", "*.txt", "*.html", "*.md", "*.npy", "*-ubyte"}

// marker is the content of run.json.
type marker struct {
	Command string `json:"command"`
	Created string `json:"created"`
}

// holding describes what a directory holds before a command writes into it.
type holding struct {
	command string   // the command that wrote the run ("" when unknown or none)
	run     bool     // a genxai run: run.json, or config.yaml/summary.json/checkpoint from an older genxai
	resumes bool     // it holds a checkpoint
	outputs []string // files matching outputPatterns, sorted
}

// Create opens path as the run directory of a new run of command (train,
// demo, gmm, "explain latent", …), creating it and its parents if needed,
// and takes its lock (held until Close or the process ends). It removes the
// temporary files of writers that died there and writes run.json.
//
// Nothing is deleted or overwritten without force unless the directory is
// new, holds no files a command writes, or holds an earlier run of the same
// command that is not a training run with a checkpoint (that is resumed
// with Resume, never silently replaced). In every other case — another command's
// run, a training run, or a directory of someone's files such as a
// metrics.jsonl — Create refuses and says why. With force it deletes the
// files the old run wrote (every file matching the run directory's output
// patterns, pictures included) and goes on.
func Create(path, command string, force bool) (*Dir, error) {
	d, err := open(path, command, true)
	if err != nil {
		return nil, err
	}
	h, err := inspect(path)
	if err == nil {
		err = h.refusal(path, command, force)
	}
	if err == nil {
		err = d.clear(h.outputs)
	}
	if err == nil {
		err = d.WriteJSON(MarkerFile, marker{Command: command, Created: time.Now().Format(time.RFC3339)})
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Resume opens the existing run directory path to continue the run in it,
// taking its lock and removing the temporary files of writers that died
// there. It refuses a directory that does not hold a run of one of
// commands (a directory written before run.json existed counts as a
// training run when it holds a checkpoint).
func Resume(path string, commands ...string) (*Dir, error) {
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("resuming %s: not a run directory (%v); pass the directory a run wrote", path, errOrFile(err))
	}
	d, err := open(path, commands[0], false)
	if err != nil {
		return nil, err
	}
	h, err := inspect(path)
	if err == nil && !slices.Contains(commands, h.command) {
		what := "no genxai run"
		if h.command != "" {
			what = "a run of `genxai " + h.command + "`"
		}
		err = fmt.Errorf("resuming %s: it holds %s, not a run of `genxai %s`; pass the directory of a training run", path, what, strings.Join(commands, "` or `genxai "))
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func errOrFile(err error) error {
	if err == nil {
		return errors.New("it is a file")
	}
	return err
}

// open makes path (when create is set), probes that it is writable, locks it
// and removes the temporary files of dead writers.
func open(path, command string, create bool) (*Dir, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("run directory: empty path; pass --out DIR")
	}
	if err := checkParents(path); err != nil {
		return nil, err
	}
	if create {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, fmt.Errorf("creating run directory %s: %w", path, err)
		}
	}
	// Probe writability now, so a read-only --out fails before hours of work.
	f, err := os.CreateTemp(path, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("run directory %s is not writable: %w", path, err)
	}
	f.Close()
	os.Remove(f.Name())
	l, note, err := lockDir(path, command)
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: path, lock: l}
	if note != "" {
		d.note(note)
	}
	n, err := removeTemporaries(path)
	if err == nil {
		var m int
		m, err = removeTemporaries(filepath.Join(path, EpochsDir))
		n += m
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	if n > 0 {
		d.note(fmt.Sprintf("run directory %s: removed %d temporary file(s) left by an interrupted writer", path, n))
	}
	return d, nil
}

// checkParents fails with a plain message when path or one of its parents
// exists and is not a directory.
func checkParents(path string) error {
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("run directory %s: %s exists and is not a directory; choose another --out", path, p)
			}
			return nil
		}
		if parent := filepath.Dir(p); parent == p {
			return nil
		}
	}
}

// isTemporary reports whether name is a temporary file of WriteFileAtomic
// or of the writability probe.
func isTemporary(name string) bool {
	return strings.HasPrefix(name, ".probe-") || (strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-"))
}

// removeTemporaries deletes the temporary files in dir (a run directory or
// its EpochsDir; a missing one has none); the caller holds the lock, so no
// live writer owns them.
func removeTemporaries(dir string) (int, error) {
	es, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0, nil // no EpochsDir
	}
	if err != nil {
		return 0, fmt.Errorf("reading run directory %s: %w", dir, err)
	}
	n := 0
	for _, e := range es {
		if e.Type().IsRegular() && isTemporary(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !os.IsNotExist(err) {
				return n, fmt.Errorf("removing the temporary file %s: %w", filepath.Join(dir, e.Name()), err)
			}
			n++
		}
	}
	return n, nil
}

// inspect reads what dir holds.
func inspect(dir string) (holding, error) {
	var h holding
	es, err := os.ReadDir(dir)
	if err != nil {
		return h, fmt.Errorf("reading run directory %s: %w", dir, err)
	}
	for _, e := range es {
		if !e.Type().IsRegular() {
			continue
		}
		for _, p := range outputPatterns {
			if ok, _ := filepath.Match(p, e.Name()); ok {
				h.outputs = append(h.outputs, e.Name())
				break
			}
		}
	}
	has := func(name string) bool { return slices.Contains(h.outputs, name) }
	h.resumes = has("checkpoint.safetensors") || has("checkpoint.json")
	switch {
	case has(MarkerFile):
		var m marker
		b, err := os.ReadFile(filepath.Join(dir, MarkerFile))
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		if err != nil || m.Command == "" {
			return h, fmt.Errorf("run directory %s: %s is unreadable (%v); remove it or pass --force", dir, MarkerFile, err)
		}
		h.command, h.run = m.Command, true
	case h.resumes:
		h.command, h.run = "train", true // written before run.json existed
	case has(ConfigFile) || has(SummaryFile):
		h.run = true
	}
	return h, nil
}

// refusal is the error Create returns when a run of command may not write
// into dir without force; nil when it may.
func (h holding) refusal(dir, command string, force bool) error {
	switch {
	case force || len(h.outputs) == 0:
		return nil
	case h.command == command && !(resumed[command] && h.resumes):
		return nil // a rerun replaces its own earlier output, or a run killed before its first checkpoint
	case h.command == command:
		return fmt.Errorf("%s already holds a run of `genxai %s`: continue it with --resume %s, choose another --out, or pass --force to delete it and start over", dir, command, dir)
	case h.command != "":
		return fmt.Errorf("%s holds a run of `genxai %s`, which `genxai %s` would overwrite: choose another --out, or pass --force to delete that run's files", dir, h.command, command)
	case h.run:
		return fmt.Errorf("%s holds an earlier genxai run (%s): choose another --out, or pass --force to delete its files", dir, strings.Join(h.outputs, ", "))
	}
	return fmt.Errorf("%s holds files that are not a genxai run (%s) and that a run could overwrite: choose a new or empty --out, or pass --force to delete them", dir, strings.Join(h.outputs, ", "))
}

// EpochsDir is the subfolder where training runs keep the pictures of each
// epoch; it belongs to the run, so clearing an earlier run removes it too.
const EpochsDir = "epochs"

// clear deletes the given files of an earlier run and, when there are any,
// its EpochsDir.
func (d *Dir) clear(names []string) error {
	if len(names) > 0 {
		if err := os.RemoveAll(d.File(EpochsDir)); err != nil {
			return fmt.Errorf("clearing run directory %s: %w", d.Path, err)
		}
	}
	for _, n := range names {
		if err := os.Remove(d.File(n)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("clearing run directory %s: %w", d.Path, err)
		}
	}
	return nil
}

// Close releases the directory's lock. Closing twice is not an error.
func (d *Dir) Close() error { return d.lock.release() }
