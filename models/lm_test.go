package models

import (
	"context"
	"errors"
	"genxai/train"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinyLM = `model:
  kind: lm
  block: 16
  layers: 1
  heads: 2
  embed: 16
data:
  path: ../data/corpus/genxai.txt
seed: 4
train:
  steps: 60
  batch_size: 8
  optimizer: adamw
  weight_decay: 0.1
  lr: 1.0e-2
  schedule: cosine
  warmup_steps: 5
  grad_clip: 1.0
  log_every: 20
`

func TestCorpusSplit(t *testing.T) {
	c := NewCorpus("abcabcabcX")
	if string(c.Vocab) != "Xabc" {
		t.Errorf("vocabulary %q, want %q (sorted by code point)", string(c.Vocab), "Xabc")
	}
	if len(c.Train) != 9 || len(c.Val) != 1 || c.Val[0] != c.Index['X'] {
		t.Errorf("split %v / %v, want the first 9 characters and then X", c.Train, c.Val)
	}
}

// TestLMLearns trains the tiny transformer for 60 steps and checks that the
// training loss falls well below the uniform guess, log(vocabulary).
func TestLMLearns(t *testing.T) {
	c := loadConfig(t, tinyLM)
	task, err := NewLMTask(c, train.OptimConfigFrom(c), "tape")
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	sched := train.Schedule{Kind: "cosine", Base: 1e-2, Warmup: 5, Total: 60}
	uniform := math.Log(float64(len(task.Corpus().Vocab)))
	losses := runSteps(t, task, 60, func(step int64) train.StepInput {
		rng := rand.New(rand.NewSource(step))
		batch := make([]int, 8)
		for i := range batch {
			batch[i] = rng.Intn(task.TrainSize())
		}
		return train.StepInput{Batch: batch, Step: step, LR: sched.At(step), Rng: train.StepRand(4, step)}
	})
	first, last := mean(losses[:3]), mean(losses[50:])
	if math.Abs(first-uniform) > 0.5 {
		t.Errorf("first loss %.3f, want near log(vocab) = %.3f for a fresh model", first, uniform)
	}
	if !(last < uniform-0.5) {
		t.Errorf("loss %.3f → %.3f after 60 steps, want below %.3f", first, last, uniform-0.5)
	}
	eval, err := task.Evaluate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(eval["bits_per_char"]-eval["val_loss"]/math.Ln2) > 1e-9 || !(eval["val_loss"] < uniform) {
		t.Errorf("evaluation %v", eval)
	}
	t.Logf("loss %.3f → %.3f (uniform %.3f), val_loss %.3f", first, last, uniform, eval["val_loss"])
}

// TestLMRunAndSample trains through Run, then samples twice with one seed
// (identical text) and once with another.
func TestLMRunAndSample(t *testing.T) {
	c := loadConfig(t, tinyLM, "train.steps=20")
	dir := filepath.Join(t.TempDir(), "run")
	s, err := Train(context.Background(), train.Request{Config: c, OutDir: dir, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"val_loss", "bits_per_char"} {
		if _, ok := s[k].(float64); !ok {
			t.Errorf("summary has no %s: %v", k, s)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "epochs", "sample_epoch001.txt")); err != nil {
		t.Error(err)
	}
	sample := func(seed int64, out string) string {
		path, err := Sample(dir, SampleOptions{Class: -1, Prompt: "The model ", Tokens: 40, Temperature: 0.8, TopK: 5, Seed: seed, Out: filepath.Join(dir, out)})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "The model ") || len([]rune(string(b))) != len("The model ")+40+1 {
			t.Errorf("sample %q: want the prompt, 40 characters and a newline", b)
		}
		return string(b)
	}
	a, b, other := sample(1, "a.txt"), sample(1, "b.txt"), sample(2, "c.txt")
	if a != b {
		t.Errorf("two samples with seed 1 differ:\n%q\n%q", a, b)
	}
	if a == other {
		t.Errorf("seeds 1 and 2 gave the same sample %q", a)
	}
	if _, err := Sample(dir, SampleOptions{Class: -1, Prompt: "ü€", Tokens: 5, Temperature: 1}); err == nil || !strings.Contains(err.Error(), "never saw") {
		t.Errorf("a prompt with unknown characters: err = %v", err)
	}
	// The text streams to Stream as it is generated, the same as the file.
	var stream strings.Builder
	path, err := Sample(dir, SampleOptions{Class: -1, Prompt: "The model ", Tokens: 40, Temperature: 0.8, TopK: 5, Seed: 1, Out: filepath.Join(dir, "d.txt"), Stream: &stream})
	if err != nil {
		t.Fatal(err)
	}
	if stream.String() != a {
		t.Errorf("streamed %q, the file of the same seed holds %q", stream.String(), a)
	}
	// Ctrl-C: a cancelled context stops generation, keeps what was written
	// and asks for exit status 130.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path, err = Sample(dir, SampleOptions{Class: -1, Prompt: "The model ", Tokens: 40, Seed: 1, Out: filepath.Join(dir, "e.txt"), Ctx: ctx})
	var intr *Interrupted
	if !errors.As(err, &intr) || intr.ExitCode() != 130 || intr.Kept != path {
		t.Errorf("sampling under a cancelled context: path %q, err %v", path, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "The model \n" {
		t.Errorf("the interrupted sample holds %q, want the prompt alone", b)
	}
	// Bounds and flags that do not apply are refused with the flag named.
	for _, c := range []struct {
		o    SampleOptions
		want string
	}{
		{SampleOptions{Class: -1, Tokens: 0}, "--tokens 0 is out of range"},
		{SampleOptions{Class: -1, Tokens: maxTokens + 1}, "--tokens 1000001 is out of range"},
		{SampleOptions{Class: 2, Tokens: 5}, "--class 2: a language model has no classes"},
	} {
		if _, err := Sample(dir, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Sample(%+v): err = %v, want %q", c.o, err, c.want)
		}
	}
}

// BenchmarkTransformerStep is one AdamW step of configs/ar-shakespeare.yaml's
// transformer (4 layers, 4 heads, embedding 128, block 64, batch 12), on the
// project corpus (the vocabulary size, 60-odd characters, is close to Tiny
// Shakespeare's 65). Peer: scripts/bench/transformer_torch.py.
func BenchmarkTransformerStep(b *testing.B) {
	benchSteps(b, benchTask(b, "ar-shakespeare.yaml", "data.path=../data/corpus/genxai.txt"), 12)
}

// TestLMResumeIsBitwise runs 20 steps straight, and again interrupted (as by
// Ctrl-C) once step 10 is logged and then resumed: the checkpoints must match
// bit for bit.
func TestLMResumeIsBitwise(t *testing.T) {
	tmp := t.TempDir()
	straight, split := filepath.Join(tmp, "straight"), filepath.Join(tmp, "split")
	sets := []string{"train.steps=20", "train.log_every=10", "model.eval_batches=1"}
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, tinyLM, sets...), OutDir: straight, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopper := &cancelOn{text: "step 10/", cancel: cancel}
	_, err := Train(ctx, train.Request{Config: loadConfig(t, tinyLM, sets...), OutDir: split, Log: stopper})
	var in *train.Interrupted
	if !errors.As(err, &in) || in.Step >= 20 {
		t.Fatalf("the interrupted run returned %v", err)
	}
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, tinyLM, sets...), Resume: split, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	sameWeights(t, weights(t, straight), weights(t, split))
}

// cancelOn is a log writer that cancels a context once text is written.
type cancelOn struct {
	text   string
	cancel func()
	seen   strings.Builder
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.seen.Write(p)
	if strings.Contains(c.seen.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}
