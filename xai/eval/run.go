package eval

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"genxai/config"
	"genxai/models"
	"genxai/runs"
)

// Options are the settings of an evaluation, the keys of config.EvalSchema.
type Options struct {
	Run, Judge, Text, Executor string
	Samples                    int   // GAN: generated images
	Seed                       int64 // generated images, KID subsets, importance samples
	KPR, KDC                   int   // nearest neighbours of precision/recall and density/coverage
	KIDSubsets, KIDSubsetSize  int
	IWAEK, TestImages          int // VAE: importance samples per image, images scored (0: all)
	MemoryMB                   int // VAE: memory budget of one decoder batch
}

// OptionsFrom reads Options from a config loaded against config.EvalSchema.
func OptionsFrom(c *config.Config) Options {
	return Options{
		Run: c.String("run"), Judge: c.String("judge"), Text: c.String("text"), Executor: c.String("executor"),
		Samples: c.Int("samples"), Seed: int64(c.Int("seed")), KPR: c.Int("k_pr"), KDC: c.Int("k_dc"),
		KIDSubsets: c.Int("kid_subsets"), KIDSubsetSize: c.Int("kid_subset_size"),
		IWAEK: c.Int("iwae_k"), TestImages: c.Int("test_images"), MemoryMB: c.Int("memory_mb"),
	}
}

// Judge identifies the classifier run whose features a metric is computed in.
type Judge struct {
	Run    string `json:"run"`
	SHA256 string `json:"checkpoint_sha256"` // of its checkpoint.safetensors
}

// Number is one measured value with what it depends on.
type Number struct {
	Value float64 `json:"value"`
	// Seed drew the generated images, the subsets or the importance samples.
	Seed int64 `json:"seed"`
	// Samples counts what was measured: generated images (generators),
	// test images (VAE bounds) or predicted characters (bits per char).
	Samples int `json:"samples"`
	// RealSamples counts the real images compared with (generators only).
	RealSamples int    `json:"real_samples,omitempty"`
	Judge       *Judge `json:"judge,omitempty"`
	// Setting names what else fixes the number (k, K, subsets, the text).
	Setting string `json:"setting,omitempty"`
}

// Report is the content of eval.json.
type Report struct {
	Run        string            // the evaluated run directory
	Kind       string            // its model.kind
	Checkpoint string            // SHA-256 of its checkpoint.safetensors
	Metrics    map[string]Number // by eval.json key: fid, kid, …
	Skipped    []string          // metrics left out, and why
	Seconds    float64
}

// EvalFile is the name of the file Evaluate writes into the run directory.
const EvalFile = "eval.json"

// Evaluate measures the run named by c (config.EvalSchema) according to its
// kind — a GAN in its judge's feature space, a VAE's likelihood bounds, a
// language model's bits per character — writes eval.json into the run
// directory, prints the table to stdout and progress to log.
func Evaluate(c *config.Config, stdout, log io.Writer) (*Report, error) {
	o := OptionsFrom(c)
	start := time.Now()
	run, err := models.Open(o.Run)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	run.UseExecutor(o.Executor)
	rep := &Report{Run: run.Dir, Kind: run.Kind, Checkpoint: run.Meta.TensorsSHA256, Metrics: map[string]Number{}}
	switch run.Kind {
	case "gan":
		err = evalGAN(run, o, rep, log)
	case "vae":
		err = evalVAE(run, o, rep, log)
	case "lm":
		err = evalLM(run, o, rep, log)
	default:
		err = run.Expect("genxai eval", "vae", "gan", "lm")
		if err == nil {
			err = fmt.Errorf("model.kind %q has no measures", run.Kind)
		}
		err = fmt.Errorf("%w (a classifier is measured by genxai train itself: accuracy in its summary.json; use it as a GAN's --judge)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("eval %s: %w", run.Dir, err)
	}
	rep.Seconds = time.Since(start).Seconds()
	if err := (&runs.Dir{Path: run.Dir}).WriteJSON(EvalFile, rep.JSON()); err != nil {
		return nil, err
	}
	rep.Print(stdout)
	fmt.Fprintf(log, "eval: wrote %s/%s (%.1f s)\n", run.Dir, EvalFile, rep.Seconds)
	return rep, nil
}

// skip records that the metrics named are left out, and says so in log.
func (r *Report) skip(log io.Writer, why string) {
	r.Skipped = append(r.Skipped, why)
	fmt.Fprintln(log, "eval: skipped: "+why)
}

// JSON is eval.json: the run, its kind and checkpoint hash, the seconds
// taken, the skipped metrics and one entry per metric key.
func (r *Report) JSON() map[string]any {
	out := map[string]any{"run": r.Run, "kind": r.Kind, "checkpoint_sha256": r.Checkpoint,
		"seconds": r.Seconds, "skipped": append([]string{}, r.Skipped...), "versions": runs.Versions(),
		"written_at": time.Now().UTC().Format(time.RFC3339)}
	for k, v := range r.Metrics {
		out[k] = v
	}
	return out
}

// keyOrder is the order of the printed table.
var keyOrder = []string{"fid", "kid", "kid_std", "precision", "recall", "density", "coverage", "cas", "cas_real", "nll_iwae", "neg_elbo", "bits_per_char"}

// Print writes the metrics as an aligned table, then the skipped ones.
func (r *Report) Print(w io.Writer) {
	keys := make([]string, 0, len(r.Metrics))
	for k := range r.Metrics {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		for i, o := range keyOrder {
			if o == k {
				return i
			}
		}
		return len(keyOrder)
	}
	sort.Slice(keys, func(i, j int) bool {
		return rank(keys[i]) < rank(keys[j]) || rank(keys[i]) == rank(keys[j]) && keys[i] < keys[j]
	})
	fmt.Fprintf(w, "%s (%s)\n", r.Run, r.Kind)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tvalue\tsamples\treal\tseed\tsetting\tjudge")
	for _, k := range keys {
		n := r.Metrics[k]
		real, judge := "", ""
		if n.RealSamples > 0 {
			real = fmt.Sprint(n.RealSamples)
		}
		if n.Judge != nil {
			judge = n.Judge.Run
		}
		fmt.Fprintf(tw, "%s\t%.6g\t%d\t%s\t%d\t%s\t%s\n", k, n.Value, n.Samples, real, n.Seed, n.Setting, judge)
	}
	tw.Flush()
	for _, s := range r.Skipped {
		fmt.Fprintln(w, "skipped: "+s)
	}
}
