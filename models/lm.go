package models

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"genxai/config"
	"genxai/data"
	"genxai/engine"
	"genxai/nets"
	"genxai/runs"
	"genxai/train"
)

// A character-level causal transformer language model in the shape of GPT-2
// (Radford et al. 2019) as nanoGPT writes it: the family's config keys, its
// training task, its restored model and its sampler. The graph is
// nets.Transformer. data.path names any UTF-8 text file; its first 90% is the
// training text and the last 10% the validation text.

func init() {
	register(&Family{Kind: "lm", Keys: lmKeys(), Check: lmCheck, NewTask: builder(NewLMTask), Sample: sampleLM})
}

// lmKeys are the model.* keys of kind "lm".
func lmKeys() []config.Key {
	return []config.Key{
		config.IntKey("model.block", 64, "context length in characters").Range(1, 8192),
		config.IntKey("model.layers", 4, "number of transformer blocks").Range(1, 256),
		config.IntKey("model.heads", 4, "attention heads per block; must divide model.embed").Range(1, 256),
		config.IntKey("model.embed", 128, "embedding size").Range(1, 65536),
		config.FloatKey("model.dropout", 0, "dropout on embeddings, attention weights and residual branches; 0 = off").AtLeast(0).LessThan(1),
		config.IntKey("model.eval_batches", 0, "validation windows scored after each epoch, in batches of 64; 0 = the whole validation text").AtLeast(0),
	}
}

func lmCheck(c *config.Config) []error {
	if e, h := c.Int("model.embed"), c.Int("model.heads"); e%h != 0 {
		return []error{c.Errorf("model.heads", "does not divide model.embed (%d): each head gets model.embed/model.heads features; pick a divisor of %d", e, e)}
	}
	return nil
}

// maxTokens bounds --tokens: at the few milliseconds a character of the
// configs' models takes on a CPU, a million characters is under an hour.
const maxTokens = 1_000_000

// lmEvalBatch is the number of validation windows scored per run of the
// evaluation graph.
const lmEvalBatch = 64

// VocabTensor is the Store name of the vocabulary: the code points of the
// corpus's distinct characters in increasing order, as float32 (exact for
// every Unicode code point). Keeping it in the Store puts it in the
// checkpoint, so a run can be sampled without its corpus.
const VocabTensor = "vocab"

// Corpus is a text split for character-level language modelling.
type Corpus struct {
	Vocab      []rune       // distinct characters, sorted by code point
	Index      map[rune]int // character → token id
	Train, Val []int        // token ids: the first 90% and the last 10% of the text
}

// NewCorpus builds the vocabulary of text and splits it: the first 90% of its
// characters for training, the last 10% for validation.
func NewCorpus(text string) *Corpus {
	runes := []rune(text)
	seen := map[rune]bool{}
	for _, r := range runes {
		seen[r] = true
	}
	c := &Corpus{Index: map[rune]int{}}
	for r := range seen {
		c.Vocab = append(c.Vocab, r)
	}
	sort.Slice(c.Vocab, func(i, j int) bool { return c.Vocab[i] < c.Vocab[j] })
	for i, r := range c.Vocab {
		c.Index[r] = i
	}
	ids := make([]int, len(runes))
	for i, r := range runes {
		ids[i] = c.Index[r]
	}
	split := len(ids) * 9 / 10
	c.Train, c.Val = ids[:split], ids[split:]
	return c
}

// LMTask trains a nets.Transformer on a text corpus. One training example is
// a window of model.block characters starting at a position of the training
// text; the epoch's permutation of positions (from the Loop) picks the
// windows, so train.steps rather than train.epochs normally ends a run.
type LMTask struct {
	netTask
	cfg           nets.TransformerConfig
	corpus        *Corpus
	model, eval   *nets.Transformer
	gen           *nets.Transformer // batch 1, for sampling
	evalEx, genEx engine.Executor
	seed          int64
	evalBatches   int
	pictures      epochFiles
}

// TransformerConfigFrom reads a nets.TransformerConfig from a training config
// for a vocabulary of the given size.
func TransformerConfigFrom(c *config.Config, vocab int) nets.TransformerConfig {
	return nets.TransformerConfig{
		Vocab: vocab, Block: c.Int("model.block"), Layers: c.Int("model.layers"),
		Heads: c.Int("model.heads"), Embed: c.Int("model.embed"), Dropout: c.Float("model.dropout"),
	}
}

// NewLMTask reads the corpus named by data.path and builds the graphs.
func NewLMTask(c *config.Config, opt train.OptimConfig, executor string) (*LMTask, error) {
	path := c.String("data.path")
	if strings.HasPrefix(path, "builtin:") {
		return nil, fmt.Errorf("data.path is %q, but a language model reads a UTF-8 text file: set data.path to one (for example data/corpus/genxai.txt)", path)
	}
	text, err := data.ReadText(path)
	if err != nil {
		return nil, err
	}
	corpus := NewCorpus(text)
	t := &LMTask{corpus: corpus, seed: int64(c.Int("seed")), evalBatches: c.Int("model.eval_batches"), pictures: newEpochFiles(c)}
	t.kind, t.executor, t.device = "lm", executor, c.String("device")
	t.cfg = TransformerConfigFrom(c, len(corpus.Vocab))
	T := t.cfg.Block
	if len(corpus.Train) <= T || len(corpus.Val) <= T {
		return nil, fmt.Errorf("%s has %d characters: its last 10%% (%d) is the validation text and each part needs more than model.block = %d characters; use a longer text or a smaller model.block", path, len(corpus.Train)+len(corpus.Val), len(corpus.Val), T)
	}
	t.store = nets.NewStore(t.seed)
	if err := storeVocab(t.store, corpus.Vocab); err != nil {
		return nil, err
	}
	if t.model, err = nets.NewTransformer(t.store, t.cfg, c.Int("train.batch_size"), true); err != nil {
		return nil, err
	}
	if t.eval, err = nets.NewTransformer(t.store, t.cfg, lmEvalBatch, false); err != nil {
		return nil, err
	}
	if t.gen, err = nets.NewTransformer(t.store, t.cfg, 1, false); err != nil {
		return nil, err
	}
	exs, err := t.prepare(t.model.Net, t.model.Loss, opt, nil, t.eval.Net, t.gen.Net)
	if err != nil {
		return nil, err
	}
	t.evalEx, t.genEx = exs[0], exs[1]
	return t, nil
}

// storeVocab puts the vocabulary into the Store as the buffer VocabTensor.
func storeVocab(st *nets.Store, vocab []rune) error {
	_, err := st.Get(VocabTensor, []int{len(vocab)}, 1, 1, func(_ *rand.Rand, _, _ int, d []float32) {
		for i, r := range vocab {
			d[i] = float32(r)
		}
	}, false)
	return err
}

// TrainSize is the number of windows of the training text: every start
// position that leaves room for the block and its next character.
func (t *LMTask) TrainSize() int { return len(t.corpus.Train) - t.cfg.Block }

// Corpus returns the task's corpus.
func (t *LMTask) Corpus() *Corpus { return t.corpus }

// fillLMBatch writes the windows starting at starts of ids into the graph's
// inputs: one-hot characters and one-hot next characters. Rows of windows
// beyond len(starts) are zero with weight 0.
func fillLMBatch(m *nets.Transformer, ids []int, starts []int) {
	T, V := m.Config.Block, m.Config.Vocab
	tok, tgt, w := m.Net.InputData("tokens"), m.Net.InputData("target"), m.Net.InputData("row_weight")
	clear(tok)
	clear(tgt)
	clear(w)
	weight := 1 / float32(len(starts)*T)
	for b, s := range starts {
		for i := 0; i < T; i++ {
			row := b*T + i
			tok[row*V+ids[s+i]] = 1
			tgt[row*V+ids[s+i+1]] = 1
			w[row] = weight
		}
	}
}

// Step trains on one batch of windows; the batch indices are their start
// positions in the training text.
func (t *LMTask) Step(in train.StepInput) (train.StepResult, error) {
	fillLMBatch(t.model, t.corpus.Train, in.Batch)
	return t.step(in)
}

// Evaluate scores the validation text cut into consecutive windows of
// model.block characters (all of them, or the first model.eval_batches
// batches of 64): val_loss is the mean cross-entropy per predicted character
// in nats, bits_per_char the same in bits.
func (t *LMTask) Evaluate(ctx context.Context) (map[string]float64, error) {
	T := t.cfg.Block
	val := t.corpus.Val
	var starts []int
	for s := 0; s+T < len(val); s += T {
		starts = append(starts, s)
	}
	if t.evalBatches > 0 && len(starts) > t.evalBatches*lmEvalBatch {
		starts = starts[:t.evalBatches*lmEvalBatch]
	}
	var sum float64
	for b := 0; b < len(starts); b += lmEvalBatch {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		chunk := starts[b:min(b+lmEvalBatch, len(starts))]
		fillLMBatch(t.eval, val, chunk)
		if err := t.evalEx.Run(); err != nil {
			return nil, err
		}
		rl := engine.Float32s(t.eval.RowLoss)
		for i := 0; i < len(chunk)*T; i++ {
			sum += float64(rl[i])
		}
	}
	loss := sum / float64(len(starts)*T)
	return map[string]float64{"val_loss": loss, "bits_per_char": loss / math.Ln2}, nil
}

// Artifacts writes sample.txt and epochs/sample_epochNNN.txt (400
// characters drawn with a fixed seed at temperature 1 from the first
// characters of the validation text) and the loss curve.
func (t *LMTask) Artifacts(dir *runs.Dir, epoch int) error {
	prompt := t.corpus.Val[:min(16, len(t.corpus.Val))]
	out, err := Generate(t.gen, t.genEx, prompt, 400, 1, 0, rand.New(rand.NewSource(t.seed+31337)))
	if err != nil {
		return err
	}
	text := decode(t.corpus.Vocab, append(append([]int(nil), prompt...), out...))
	if err := t.pictures.text(dir, "sample", epoch, text+"\n"); err != nil {
		return err
	}
	return train.PlotLoss(dir, "val_loss", "cross-entropy per character (nats)")
}

// Generate continues prompt (token ids) by n tokens with a batch-1 model
// graph: at each step the last model.block tokens go in, the logits at the
// last position are divided by temperature, restricted to the topK most
// likely tokens (0 = all), and a token is drawn from their softmax with rng.
// A temperature of 0 picks the most likely token. An empty prompt starts from
// token 0.
func Generate(m *nets.Transformer, ex engine.Executor, prompt []int, n int, temperature float64, topK int, rng *rand.Rand) ([]int, error) {
	out := make([]int, 0, n)
	err := GenerateStream(context.Background(), m, ex, prompt, n, temperature, topK, rng, func(id int) error {
		out = append(out, id)
		return nil
	})
	return out, err
}

// GenerateStream is Generate that hands each token to emit as soon as it is
// drawn, so a long continuation can be written as it grows, and that stops
// between tokens when ctx is cancelled, returning ctx's error.
func GenerateStream(ctx context.Context, m *nets.Transformer, ex engine.Executor, prompt []int, n int, temperature float64, topK int, rng *rand.Rand, emit func(id int) error) error {
	if m.Batch != 1 {
		return fmt.Errorf("generation needs a batch-1 graph, got batch %d", m.Batch)
	}
	if temperature < 0 || math.IsNaN(temperature) {
		return fmt.Errorf("--temperature must be ≥ 0, got %g", temperature)
	}
	if topK < 0 {
		return fmt.Errorf("--top-k must be ≥ 0, got %d", topK)
	}
	T, V := m.Config.Block, m.Config.Vocab
	// Only the last T tokens are ever read: the context is kept as a window.
	window := append([]int(nil), prompt[max(0, len(prompt)-T):]...)
	if len(window) == 0 {
		window = []int{0}
	}
	probs := make([]float64, V)
	order := make([]int, V)
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok := m.Net.InputData("tokens")
		clear(tok)
		for i, id := range window {
			tok[i*V+id] = 1
		}
		if err := ex.Run(); err != nil {
			return err
		}
		logits := engine.Float32s(m.Logits)[(len(window)-1)*V : len(window)*V]
		next := sampleLogits(logits, temperature, topK, rng, probs, order)
		if err := emit(next); err != nil {
			return err
		}
		if len(window) == T {
			copy(window, window[1:])
			window[T-1] = next
		} else {
			window = append(window, next)
		}
	}
	return nil
}

// sampleLogits draws a token from softmax(logits/temperature) over the topK
// most likely tokens.
func sampleLogits(logits []float32, temperature float64, topK int, rng *rand.Rand, probs []float64, order []int) int {
	if temperature == 0 {
		return nets.Argmax(logits)
	}
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return logits[order[a]] > logits[order[b]] })
	k := len(order)
	if topK > 0 && topK < k {
		k = topK
	}
	top := float64(logits[order[0]])
	var total float64
	for j := 0; j < k; j++ {
		p := math.Exp((float64(logits[order[j]]) - top) / temperature)
		probs[j] = p
		total += p
	}
	u := rng.Float64() * total
	for j := 0; j < k; j++ {
		u -= probs[j]
		if u < 0 {
			return order[j]
		}
	}
	return order[k-1]
}

func decode(vocab []rune, ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteRune(vocab[id])
	}
	return b.String()
}

// LM rebuilds the language model of an lm run (batch 1, for generation) with
// its trained weights, and returns its vocabulary.
func (r *Run) LM() (*nets.Transformer, []rune, error) {
	if err := r.Expect("this use", "lm"); err != nil {
		return nil, nil, err
	}
	var vocab []rune
	for _, x := range r.Tensors {
		if x.Name == VocabTensor {
			for _, v := range x.F32 {
				vocab = append(vocab, rune(v))
			}
		}
	}
	if len(vocab) == 0 {
		return nil, nil, fmt.Errorf("the checkpoint has no %q tensor: it was not written by a language model", VocabTensor)
	}
	m, err := restore(r, func(s *nets.Store) (*nets.Transformer, error) {
		if err := storeVocab(s, vocab); err != nil {
			return nil, err
		}
		return nets.NewTransformer(s, TransformerConfigFrom(r.Config, len(vocab)), 1, false)
	})
	if err != nil {
		return nil, nil, err
	}
	return m, vocab, nil
}

// EncodePrompt turns a prompt into the token ids of vocab (LM's
// vocabulary); a character the model never saw is an error naming it.
func EncodePrompt(vocab []rune, prompt string) ([]int, error) {
	index := map[rune]int{}
	for i, r := range vocab {
		index[r] = i
	}
	var ids []int
	var unknown []string
	for _, r := range prompt {
		id, ok := index[r]
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%q", r))
			continue
		}
		ids = append(ids, id)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("--prompt holds characters the model never saw in its corpus: %s; use only characters of the training text", strings.Join(unknown, ", "))
	}
	return ids, nil
}

// sampleLM writes o.Tokens characters continuing o.Prompt to o.Out (a text
// file; the default DIR/sampled.png becomes DIR/sampled.txt).
func sampleLM(r *Run, o SampleOptions) (string, error) {
	if o.Class >= 0 {
		return "", fmt.Errorf("--class %d: a language model has no classes; leave --class out", o.Class)
	}
	if o.Tokens < 1 || o.Tokens > maxTokens {
		return "", fmt.Errorf("--tokens %d is out of range: give 1 to %d characters (the text is written as it is generated; Ctrl-C stops it and keeps what was written)", o.Tokens, maxTokens)
	}
	m, vocab, err := r.LM()
	if err != nil {
		return "", err
	}
	prompt, err := EncodePrompt(vocab, o.Prompt)
	if err != nil {
		return "", err
	}
	ex, err := r.Executor(m.Net)
	if err != nil {
		return "", err
	}
	defer ex.Close()
	path := o.Out
	if filepath.Base(path) == "sampled.png" {
		path = strings.TrimSuffix(path, ".png") + ".txt"
	}
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("writing the sample: %w", err)
	}
	defer f.Close()
	// The text goes to the file and to o.Stream as it is generated, flushed
	// at each line, so a long run shows progress and an interruption keeps
	// everything drawn so far.
	var sink io.Writer = f
	if o.Stream != nil {
		sink = io.MultiWriter(f, o.Stream)
	}
	w := bufio.NewWriter(sink)
	w.WriteString(o.Prompt)
	ctx := o.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	genErr := GenerateStream(ctx, m, ex, prompt, o.Tokens, o.Temperature, o.TopK, rand.New(rand.NewSource(o.Seed)), func(id int) error {
		w.WriteRune(vocab[id])
		if vocab[id] == '\n' {
			return w.Flush()
		}
		return nil
	})
	w.WriteString("\n")
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("writing the sample: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing the sample: %w", err)
	}
	if genErr != nil {
		if ctx.Err() != nil {
			return path, &Interrupted{What: "sampling", Kept: path}
		}
		return "", genErr
	}
	return path, nil
}
