package explain

import (
	"fmt"
	"image"
	"io"
	"strings"

	"genxai/runs"
	"genxai/viz"
)

// Out is the run directory an explanation writes into, with the list of
// files written so far (reported in summary.json).
type Out struct {
	Dir   *runs.Dir
	Files []string
	// Source is what the explanation explains: the flags "run" and "vae"
	// (runs.Sources), written to summary.json as runs.SourceKey.
	Source []string
}

// Begin creates the output directory out and writes config.yaml holding the
// method and its resolved flags.
func Begin(out, method string, flags map[string]any) (*Out, error) {
	if strings.TrimSpace(out) == "" {
		return nil, fmt.Errorf("no output directory given: pass --out DIR")
	}
	d, err := runs.Create(out, "explain "+method, false) // --force: cmd/genxai clears out first
	if err != nil {
		return nil, err
	}
	settings := map[string]any{"explain": map[string]any{"method": method}}
	for k, v := range flags {
		settings["explain"].(map[string]any)[k] = v
	}
	if err := d.WriteConfig(settings); err != nil {
		return nil, err
	}
	run, _ := flags["run"].(string)
	vae, _ := flags["vae"].(string)
	return &Out{Dir: d, Source: runs.Sources(run, vae)}, nil
}

// PNG saves img as name in the directory and records it.
func (o *Out) PNG(name string, img image.Image) error {
	if err := viz.SavePNG(o.Dir.File(name), img); err != nil {
		return err
	}
	o.Files = append(o.Files, name)
	return nil
}

// Record notes a file written by other means (a plot, an HTML page).
func (o *Out) Record(name string) { o.Files = append(o.Files, name) }

// Finish writes summary.json: s with "method", "files" and "source" added.
func (o *Out) Finish(method string, s map[string]any) error {
	s["method"] = method
	s["files"] = o.Files
	s[runs.SourceKey] = o.Source
	err := o.Dir.WriteSummary(s)
	if e := o.Dir.Close(); err == nil {
		err = e
	}
	return err
}

// WriteFile writes data as name in the directory, atomically, and records it.
func (o *Out) WriteFile(name string, data []byte) error {
	err := runs.WriteFileAtomic(o.Dir.File(name), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	o.Files = append(o.Files, name)
	return nil
}
