// Package generate exports labelled synthetic data sets drawn from trained
// image generators (genxai generate): a VAE's decoder, a GAN's or a
// conditional GAN's generator write N images as IDX, CSV, NPY or PNG files
// into a run directory, with the labels beside them, a provenance file, and
// optionally a judge classifier's verdict.
//
// Images are drawn, encoded and written a chunk at a time, so memory stays
// flat whatever N is, and the noise comes from one source seeded by --seed
// and consumed in a fixed order, so the same seed gives the same bytes.
package generate

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"path/filepath"
	"time"

	"genxai/config"
	"genxai/models"
	"genxai/runs"
	"genxai/xai/progress"
)

// Options are the settings of an export (the keys of config.GenerateSchema).
type Options struct {
	Run      string // run directory of the generator
	N        int    // images; 0 with PerClass: PerClass × classes
	Class    int    // every image of this class; -1: the classes in turn
	PerClass int    // images of every class (conditional models)
	Format   string // idx, csv, npy or png
	Out      string // run directory of the export
	Seed     int64  // noise seed
	Judge    string // classifier run that scores the export ("" : the GAN's metrics.classifier_run)
	Force    bool   // write into an out directory holding other files

	Model string // model.json of genxai gmm --per-class (instead of Run): table rows
	Clip  bool   // clip a model's numeric columns to their training range

	Tokens      int     // language model: characters per sample
	Prompt      string  // language model: text every sample continues
	Temperature float64 // language model: sampling temperature
	TopK        int     // language model: sample among the k most likely characters (0: all)
	OnePerFile  bool    // language model: one file per sample instead of samples.txt
}

// OptionsFromConfig reads Options from a config of config.GenerateSchema.
func OptionsFromConfig(c *config.Config) Options {
	return Options{
		Run: c.String("run"), N: c.Int("n"), Class: c.Int("class"), PerClass: c.Int("per_class"),
		Format: c.String("format"), Out: c.String("out"), Seed: int64(c.Int("seed")),
		Judge: c.String("judge"), Force: c.Bool(config.ForceKey),
		Model: c.String("model"), Clip: c.Bool("clip"),
		Tokens: c.Int("tokens"), Prompt: c.String("prompt"), Temperature: c.Float("temperature"),
		TopK: c.Int("top_k"), OnePerFile: c.Bool("one_per_file"),
	}
}

// RunFromConfig is genxai generate: Export with the config's options, the
// resolved config written to the export's config.yaml.
func RunFromConfig(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	return Export(ctx, OptionsFromConfig(c), c.Settings(), stdout, log)
}

// plan fixes the number of images and the class of each from the options
// and the source: for a conditional model every image of --class, or the
// classes in turn (image i of class i mod K, so --per-class M gives exactly
// M of each); none for an unconditional one.
func plan(o Options, s *source) (n int, classOf func(i int) int, err error) {
	n = o.N
	if s.classes == 0 {
		if o.Class >= 0 || o.PerClass > 0 {
			return 0, nil, fmt.Errorf("--class and --per-class need a conditional GAN, but %s holds an unconditional model: leave them out and give -n", o.Run)
		}
		classOf = func(int) int { return -1 }
	} else {
		switch {
		case o.Class >= s.classes:
			return 0, nil, fmt.Errorf("--class %d is not a class of %s: its classes are 0 to %d", o.Class, o.Run, s.classes-1)
		case o.Class >= 0 && o.PerClass > 0:
			return 0, nil, fmt.Errorf("--class and --per-class exclude each other: give --class K with -n N, or --per-class M alone")
		case o.PerClass > 0 && o.N > 0 && o.N != o.PerClass*s.classes:
			return 0, nil, fmt.Errorf("-n %d and --per-class %d disagree: %d classes × %d is %d; give only one of them", o.N, o.PerClass, s.classes, o.PerClass, o.PerClass*s.classes)
		case o.PerClass > 0:
			n = o.PerClass * s.classes
		}
		classOf = func(i int) int { return i % s.classes }
		if o.Class >= 0 {
			classOf = func(int) int { return o.Class }
		}
	}
	if n < 1 {
		return 0, nil, fmt.Errorf("nothing to generate: give -n N (images) or, for a conditional GAN, --per-class M")
	}
	if o.Format == "idx" && int64(n) > 1<<32-1 {
		return 0, nil, fmt.Errorf("-n %d is more images than an IDX file can count (2³²−1); split the export with different --seed", n)
	}
	return n, classOf, nil
}

// Export draws the images o asks for from the generator of o.Run and writes
// them, their labels, provenance.json, summary.json and config.yaml
// (settings) into the run directory o.Out; progress goes to log, the
// summary and the judge's verdict to stdout. It returns the summary. With
// o.Model it writes table rows instead (ExportTable), and for a language
// model run text (exportText).
func Export(ctx context.Context, o Options, settings map[string]any, stdout, log io.Writer) (map[string]any, error) {
	if o.Model != "" {
		return ExportTable(ctx, o, settings, stdout, log)
	}
	r, err := models.Open(o.Run)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if r.Kind == "lm" {
		return exportText(ctx, o, r, settings, stdout, log)
	}
	switch o.Format {
	case "":
		o.Format = "idx"
	case "txt":
		return nil, fmt.Errorf("generate: --format txt writes a language model's text, but %s holds a %q model: use --format idx, csv, npy or png", o.Run, r.Kind)
	}
	src, err := openSource(r)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	defer src.close()
	n, classOf, err := plan(o, src)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	sh := shape{n: n, c: src.c, h: src.h, w: src.w, conditional: src.classes > 0}
	if err := checkFormat(o.Format, sh); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	jg, err := chooseJudge(o, r, src, log)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if jg != nil {
		defer jg.close()
	}
	dir, err := createOut(o, settings)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	start := time.Now()
	dataFile, labelFile := streamFile(o.Format)
	if labelFile != "" && sh.conditional {
		labels := make([]uint8, n)
		for i := range labels {
			labels[i] = uint8(classOf(i))
		}
		if err := writeLabels(dir.File(labelFile), o.Format, labels); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "generate: %d %d×%d×%d images from %s (%s) as %s into %s, seed %d\n", n, sh.c, sh.h, sh.w, o.Run, r.Kind, o.Format, dir.Path, o.Seed)
	loop := func(enc encoder) error {
		return stream(ctx, src, jg, enc, n, classOf, o.Seed, progress.New(log, "generate"))
	}
	if dataFile == "" {
		err = loop(newPNGEncoder(dir, sh))
	} else {
		err = runs.WriteFileAtomic(dir.File(dataFile), func(w io.Writer) error {
			enc, err := newStreamEncoder(o.Format, w, sh)
			if err != nil {
				return err
			}
			return loop(enc)
		})
	}
	if err != nil {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	files := []string{dataFile}
	switch {
	case dataFile == "":
		files = []string{fmt.Sprintf("%d PNG files", n)}
	case labelFile != "" && sh.conditional:
		files = append(files, labelFile)
	}
	prov := provenance(o, r, n, sh, src, files)
	if err := dir.WriteJSON("provenance.json", prov); err != nil {
		return nil, err
	}
	summary := map[string]any{"count": n, "format": o.Format, "seconds": secs, "images_per_second": float64(n) / max(secs, 1e-9)}
	fmt.Fprintf(stdout, "wrote %d images (%s) to %s in %.1fs (%.0f images/s)\n", n, o.Format, dir.Path, secs, float64(n)/max(secs, 1e-9))
	if jg != nil {
		for k, v := range jg.report(stdout) {
			summary[k] = v
		}
	} else {
		fmt.Fprintln(stdout, "quality: no judge; give --judge RUN (a classifier run on the same data) to score the export")
	}
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// stream draws the n images chunk by chunk from one noise source seeded by
// seed, hands each chunk to the judge (when there is one) and the encoder,
// and reports progress; it stops between chunks when ctx is cancelled.
func stream(ctx context.Context, src *source, jg *judge, enc encoder, n int, classOf func(int) int, seed int64, meter *progress.Meter) error {
	defer meter.Finish()
	rng := rand.New(rand.NewSource(seed))
	classes := make([]int, 0, chunk)
	for first := 0; first < n; first += chunk {
		if err := progress.Check(ctx, "generate", fmt.Sprintf("%d of %d images", first, n)); err != nil {
			return err
		}
		classes = classes[:0]
		for i := first; i < min(first+chunk, n); i++ {
			classes = append(classes, max(classOf(i), 0))
		}
		imgs, err := src.draw(classes, rng)
		if err != nil {
			return fmt.Errorf("generating images %d to %d: %w", first, first+len(classes)-1, err)
		}
		var labels []int
		if src.classes > 0 {
			labels = classes
		}
		if jg != nil {
			if err := jg.score(imgs, labels); err != nil {
				return err
			}
		}
		if err := enc.write(imgs, labels, first); err != nil {
			return err
		}
		meter.Report(int64(first+len(imgs)), int64(n), "images", "", false)
	}
	return enc.close()
}

// chooseJudge opens --judge, or else a GAN's metrics.classifier_run; an
// unreadable metrics.classifier_run is noted on log and skipped (the run
// may have moved), an unreadable --judge is an error.
func chooseJudge(o Options, r *models.Run, src *source, log io.Writer) (*judge, error) {
	if o.Judge != "" {
		return openJudge(o.Judge, src)
	}
	if r.Kind != "gan" || r.Config.String("metrics.classifier_run") == "" {
		return nil, nil
	}
	dir := r.Config.String("metrics.classifier_run")
	jg, err := openJudge(dir, src)
	if err != nil {
		fmt.Fprintf(log, "generate: note: no judge: the run's metrics.classifier_run %s cannot be used (%v); give --judge RUN\n", dir, err)
		return nil, nil
	}
	return jg, nil
}

// createOut creates the run directory o.Out of an export (refusing one
// that holds other files unless o.Force) and writes its config.yaml.
func createOut(o Options, settings map[string]any) (*runs.Dir, error) {
	dir, err := runs.CreateNamed(o.Out, "generate", o.Force)
	if err != nil {
		return nil, err
	}
	if err := dir.WriteConfig(settings); err != nil {
		dir.Close()
		return nil, err
	}
	return dir, nil
}

// absPath is p made absolute for provenance.json (p itself when that fails).
func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// provenance is the content of provenance.json: where the export came from
// and how to make it again.
func provenance(o Options, r *models.Run, n int, sh shape, src *source, files []string) map[string]any {
	p := map[string]any{
		"run":                       absPath(o.Run),
		"model_kind":                r.Kind,
		"checkpoint_tensors_sha256": r.Meta.TensorsSHA256,
		"checkpoint_step":           r.Meta.Step,
		"seed":                      o.Seed,
		"count":                     n,
		"format":                    o.Format,
		"image_shape":               []int{sh.c, sh.h, sh.w},
		"files":                     files,
		"date":                      time.Now().Format(time.RFC3339),
		"versions":                  runs.Versions(),
	}
	if sh.conditional {
		p["classes"] = src.classes
		p["class_names"] = src.names
		switch {
		case o.Class >= 0:
			p["class"] = o.Class
		default:
			p["labels"] = fmt.Sprintf("image i is of class i mod %d", src.classes)
		}
	}
	return p
}
