package generate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"time"

	"genxai/models"
	"genxai/runs"
	"genxai/xai/progress"
)

// Files of a text export.
const textSamples = "samples.txt"

// textEscaper writes a sample on one line of samples.txt: a backslash
// becomes \\, a newline \n, a carriage return \r (the escapes of Go, C,
// JSON and Python strings), so every line is one sample and the text can be
// recovered exactly.
var textEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)

// exportText is genxai generate --run LM --format txt: it draws o.N samples
// of o.Tokens characters each from the language model of r, every one
// continuing o.Prompt (which is not repeated in the output), one after the
// other from one source seeded by o.Seed (models.GenerateStream, the
// sampler of genxai sample), and writes each as it is drawn: one line of
// samples.txt (escaped by textEscaper) or, with o.OnePerFile, its own file
// sample-<i>.txt holding the text as generated.
func exportText(ctx context.Context, o Options, r *models.Run, settings map[string]any, stdout, log io.Writer) (map[string]any, error) {
	switch {
	case o.Format != "" && o.Format != "txt":
		return nil, fmt.Errorf("generate: --format %s writes images, but %s holds a language model: use --format txt", o.Format, o.Run)
	case o.Class >= 0 || o.PerClass > 0:
		return nil, fmt.Errorf("generate: %s holds a language model, which has no classes: leave --class and --per-class out and give -n", o.Run)
	case o.N < 1:
		return nil, fmt.Errorf("generate: nothing to generate: give -n N (samples of --tokens characters each)")
	case o.Judge != "":
		return nil, fmt.Errorf("generate: --judge scores images; leave it out for a language model")
	}
	m, vocab, err := r.LM()
	if err != nil {
		return nil, fmt.Errorf("generate: %s: %w", o.Run, err)
	}
	prompt, err := models.EncodePrompt(vocab, o.Prompt)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	ex, err := r.Executor(m.Net)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	defer ex.Close()
	dir, err := createOut(o, settings)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fmt.Fprintf(log, "generate: %d samples of %d characters from %s into %s, seed %d\n", o.N, o.Tokens, o.Run, dir.Path, o.Seed)
	start := time.Now()
	rng := rand.New(rand.NewSource(o.Seed))
	meter := progress.New(log, "generate")
	width := len(fmt.Sprint(max(o.N-1, 0)))
	var buf strings.Builder
	// sample draws sample i into buf.
	sample := func(i int) error {
		if err := progress.Check(ctx, "generate", fmt.Sprintf("%d of %d samples", i, o.N)); err != nil {
			return err
		}
		buf.Reset()
		err := models.GenerateStream(ctx, m, ex, prompt, o.Tokens, o.Temperature, o.TopK, rng, func(id int) error {
			buf.WriteRune(vocab[id])
			return nil
		})
		if err != nil && ctx.Err() != nil {
			return progress.Check(ctx, "generate", fmt.Sprintf("%d of %d samples", i, o.N))
		}
		meter.Report(int64(i+1), int64(o.N), "samples", "", false)
		return err
	}
	files := []string{textSamples}
	if o.OnePerFile {
		files = []string{fmt.Sprintf("%d files sample-<i>.txt", o.N)}
		for i := 0; i < o.N && err == nil; i++ {
			if err = sample(i); err == nil {
				err = writeFast(dir.File(fmt.Sprintf("sample-%0*d.txt", width, i)), func(w io.Writer) error {
					_, err := io.WriteString(w, buf.String())
					return err
				})
			}
		}
	} else {
		err = runs.WriteFileAtomic(dir.File(textSamples), func(w io.Writer) error {
			bw := bufio.NewWriter(w)
			for i := 0; i < o.N; i++ {
				if err := sample(i); err != nil {
					return err
				}
				textEscaper.WriteString(bw, buf.String())
				bw.WriteByte('\n')
			}
			return bw.Flush()
		})
	}
	meter.Finish()
	if err != nil {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	prov := map[string]any{
		"run": absPath(o.Run), "model_kind": r.Kind, "checkpoint_tensors_sha256": r.Meta.TensorsSHA256, "checkpoint_step": r.Meta.Step,
		"seed": o.Seed, "count": o.N, "tokens": o.Tokens, "prompt": o.Prompt, "temperature": o.Temperature, "top_k": o.TopK,
		"format": "txt", "files": files, "escaping": escapingNote(o.OnePerFile),
		"date": time.Now().Format(time.RFC3339), "versions": runs.Versions(),
	}
	if err := dir.WriteJSON("provenance.json", prov); err != nil {
		return nil, err
	}
	chars := float64(o.N * o.Tokens)
	summary := map[string]any{"count": o.N, "tokens": o.Tokens, "format": "txt", "seconds": secs, "characters_per_second": chars / max(secs, 1e-9)}
	fmt.Fprintf(stdout, "wrote %d samples of %d characters to %s in %.1fs (%.0f characters/s)\n", o.N, o.Tokens, dir.Path, secs, chars/max(secs, 1e-9))
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// escapingNote says in provenance.json how the samples are stored.
func escapingNote(onePerFile bool) string {
	if onePerFile {
		return "none: each file holds one sample as generated"
	}
	return `one sample per line; inside a sample a backslash is written \\, a newline \n, a carriage return \r`
}
