package eval

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"genxai/data"
	"genxai/engine"
	"genxai/models"
)

// evalLM measures a language model's bits per character on held-out text:
// o.Text, or the run's own validation text (the last 10% of data.path).
// The text is cut into consecutive windows of model.block characters, as
// training's evaluation cuts it; within a window each character after the
// first is predicted from those before it, and a final window shorter than
// model.block + 1 characters is left out.
func evalLM(run *models.Run, o Options, rep *Report, log io.Writer) error {
	m, vocab, err := run.LM()
	if err != nil {
		return err
	}
	m.Net.Keep(m.Logits)
	ex, err := run.Executor(m.Net)
	if err != nil {
		return err
	}
	defer ex.Close()
	ids, source, err := heldOut(run, o.Text, vocab)
	if err != nil {
		return err
	}
	T, V := m.Config.Block, m.Config.Vocab
	if len(ids) <= T {
		return fmt.Errorf("%s has %d characters; bits per character needs more than model.block = %d", source, len(ids), T)
	}
	fmt.Fprintf(log, "eval: bits per character of %s (%d characters, windows of %d)\n", source, len(ids), T)
	var nats float64
	var chars int
	windows := (len(ids) - 1) / T
	for s := 0; s+T < len(ids); s += T {
		tok := m.Net.InputData("tokens")
		clear(tok)
		for i := 0; i < T; i++ {
			tok[i*V+ids[s+i]] = 1
		}
		if err := ex.Run(); err != nil {
			return fmt.Errorf("running the language model: %w", err)
		}
		n, err := NatsOfNext(engine.Float32s(m.Logits)[:T*V], ids[s+1:s+T+1])
		if err != nil {
			return err
		}
		nats += n
		chars += T
		if w := s/T + 1; w%100 == 0 {
			fmt.Fprintf(log, "eval: %d/%d windows\n", w, windows)
		}
	}
	rep.Metrics["bits_per_char"] = Number{Value: BitsPerChar(nats, chars), Seed: 0, Samples: chars,
		Setting: fmt.Sprintf("%s, windows of %d", source, T)}
	return nil
}

// heldOut returns the token ids of the text to score and names it: the file
// text, or the validation part of the run's corpus. Characters outside the
// run's vocabulary have no probability under the model and are refused.
func heldOut(run *models.Run, text string, vocab []rune) ([]int, string, error) {
	index := make(map[rune]int, len(vocab))
	for i, r := range vocab {
		index[r] = i
	}
	var runes []rune
	source := text
	if text != "" {
		s, err := data.ReadText(text)
		if err != nil {
			return nil, "", fmt.Errorf("--text: %w", err)
		}
		runes = []rune(s)
	} else {
		path := run.Config.String("data.path")
		s, err := data.ReadText(path)
		if err != nil {
			return nil, "", fmt.Errorf("reading the run's corpus (data.path %q, relative to where it was trained) for its validation text: %w; pass --text FILE", path, err)
		}
		c := models.NewCorpus(s)
		for _, id := range c.Val {
			runes = append(runes, c.Vocab[id])
		}
		source = "the validation text of " + path
	}
	ids := make([]int, len(runes))
	var unknown []string
	for i, r := range runes {
		id, ok := index[r]
		if !ok && len(unknown) < 5 && !slices.Contains(unknown, fmt.Sprintf("%q", r)) {
			unknown = append(unknown, fmt.Sprintf("%q", r))
		}
		ids[i] = id
	}
	if len(unknown) > 0 {
		return nil, "", fmt.Errorf("%s has characters the model never saw (%s): they have no probability under it; remove them or score another text", source, strings.Join(unknown, ", "))
	}
	return ids, source, nil
}
