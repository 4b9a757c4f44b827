package models

import (
	"context"
	"fmt"
	"math/rand"

	"genxai/config"
	"genxai/data"
	"genxai/engine"
	"genxai/nets"
	"genxai/runs"
	"genxai/train"
	"genxai/viz"
)

// The variational autoencoder of Kingma & Welling, "Auto-Encoding Variational
// Bayes" (2014): the family's config keys, its training task, its restored
// models and its sampler. The graphs are nets.VAE and nets.VAEDecoder.

func init() {
	register(&Family{Kind: "vae", Keys: vaeKeys(), Check: vaeCheck, NewTask: builder(NewVAETask), Sample: sampleVAE})
}

// vaeCheck parses model.denoise (nets.ParseCorruption), so a bad value is
// refused with its file and line before anything is built.
func vaeCheck(c *config.Config) []error {
	if _, err := nets.ParseCorruption(c.String("model.denoise")); err != nil {
		return []error{c.Errorf("model.denoise", "%v", err)}
	}
	return nil
}

// vaeKeys are the model.* and data.* keys of kind "vae".
func vaeKeys() []config.Key {
	return []config.Key{
		config.StringKey("model.arch", "mlp", "mlp (fully connected) or conv (convolutional encoder and decoder)").OneOf("mlp", "conv"),
		config.IntListKey("model.hidden", []int{400}, "mlp only: widths of the hidden layers of the encoder; the decoder mirrors them").Range(1, 65536).Len(1, 0),
		config.IntKey("model.latent", 20, "dimension of the latent code z").Range(1, 4096),
		config.IntListKey("model.channels", []int{32, 64}, "conv only: channels of the encoder's stride-2 4×4 convolutions (each halves height and width); the decoder mirrors them").Range(1, 65536).Len(1, 0),
		config.StringKey("model.activation", "relu", "activation of the hidden layers").OneOf("relu", "leaky_relu", "elu", "tanh", "sigmoid", "gelu"),
		config.StringKey("model.likelihood", "bernoulli", "decoder likelihood p(x|z): bernoulli (binary cross-entropy) or gaussian (squared error / 2σ²)").OneOf("bernoulli", "gaussian"),
		config.FloatKey("model.sigma", 0.1, "standard deviation of the Gaussian likelihood").GreaterThan(0).AtMost(100),
		config.FloatKey("model.beta", 1, "weight of the KL term; 1 is the ELBO, > 1 a β-VAE (Higgins et al. 2017)").AtLeast(0),
		config.BoolKey("model.batch_norm", false, "batch normalization after each hidden layer (Ioffe & Szegedy 2015)"),
		config.FloatKey("model.dropout", 0, "dropout probability after each hidden layer; 0 = off").AtLeast(0).LessThan(1),
		config.StringKey("model.denoise", "none", "denoising VAE: corruption of the encoder's input in training, the loss scoring the clean image: none, gaussian:σ (added N(0, σ²) noise, clipped to [0, 1]; σ in (0, 1]), saltpepper:p (a pixel becomes 0 or 1 with probability p) or mask:p (a pixel becomes 0 with probability p); evaluation scores clean images"),
		valFractionKey(),
		config.IntListKey("data.exclude_classes", []int{}, "labels left out of training and evaluation, e.g. [9] to train on nine classes and score the tenth as anomalies").Range(0, 1000),
	}
}

// valFractionKey is data.val_fraction, the share of the training images held
// out (drawn with the seed) and scored after every epoch as val_*. Kinds that
// have it: vae and classifier.
func valFractionKey() config.Key {
	return config.FloatKey("data.val_fraction", 0, "fraction of the training images held out for validation (drawn with the seed), scored after every epoch as val_*; 0 = none").Range(0, 0.5)
}

// evalBatch is the batch size of evaluation graphs.
const evalBatch = 500

// VAETask trains a nets.VAE on an image set.
type VAETask struct {
	netTask
	cfg            nets.VAEConfig
	trainSet, test *data.Images
	val            *data.Images // held out of train by data.val_fraction, or nil
	model          *nets.VAE    // training graph
	eval           *nets.VAE    // evaluation graph
	dec            *nets.VAEDecoder
	evalEx, decEx  engine.Executor
	seed           int64
	batch          int
	pictures       epochFiles
}

// VAEConfigFrom reads a nets.VAEConfig from a training config for images of
// shape c×h×w.
func VAEConfigFrom(c *config.Config, ch, h, w int) nets.VAEConfig {
	return nets.VAEConfig{
		Arch: c.String("model.arch"), C: ch, H: h, W: w,
		Hidden: c.Ints("model.hidden"), Channels: c.Ints("model.channels"), Latent: c.Int("model.latent"),
		Activation: c.String("model.activation"), Likelihood: c.String("model.likelihood"),
		Sigma: c.Float("model.sigma"), Beta: c.Float("model.beta"),
		BatchNorm: c.Bool("model.batch_norm"), Dropout: c.Float("model.dropout"),
		Denoise: denoiseSetting(c),
	}
}

// denoiseSetting reads model.denoise; a value vaeCheck refused (it cannot
// reach here from a validated config) becomes a Corruption that
// VAEConfig.Validate refuses.
func denoiseSetting(c *config.Config) nets.Corruption {
	d, err := nets.ParseCorruption(c.String("model.denoise"))
	if err != nil {
		return nets.Corruption{Kind: c.String("model.denoise")}
	}
	return d
}

// NewVAETask loads the data named by data.path and builds the graphs.
func NewVAETask(c *config.Config, opt train.OptimConfig, executor string) (*VAETask, error) {
	trainSet, test, err := data.OpenImages(c.String("data.path"))
	if err != nil {
		return nil, err
	}
	if ex := c.Ints("data.exclude_classes"); len(ex) > 0 {
		if trainSet, err = withoutClasses(trainSet, ex); err != nil {
			return nil, err
		}
		if test, err = withoutClasses(test, ex); err != nil {
			return nil, err
		}
	}
	trainSet, val := holdOut(trainSet, c.Float("data.val_fraction"), int64(c.Int("seed")))
	t := &VAETask{trainSet: trainSet, test: test, val: val, seed: int64(c.Int("seed")), batch: c.Int("train.batch_size"), pictures: newEpochFiles(c)}
	t.kind, t.executor, t.device = "vae", executor, c.String("device")
	t.cfg = VAEConfigFrom(c, trainSet.C, trainSet.H, trainSet.W)
	t.store = nets.NewStore(t.seed)
	if t.model, err = nets.NewVAE(t.store, t.cfg, t.batch, true); err != nil {
		return nil, err
	}
	if t.eval, err = nets.NewVAE(t.store, t.cfg, evalBatch, false); err != nil {
		return nil, err
	}
	if t.dec, err = nets.NewVAEDecoder(t.store, t.cfg, 64); err != nil {
		return nil, err
	}
	exs, err := t.prepare(t.model.Net, t.model.Loss, opt, append([]engine.RandomInput{train.NormalInput(t.model.Eps)}, t.model.Noise...), t.eval.Net, t.dec.Net)
	if err != nil {
		return nil, err
	}
	t.evalEx, t.decEx = exs[0], exs[1]
	return t, nil
}

// TrainSize is the number of training images.
func (t *VAETask) TrainSize() int { return t.trainSet.N }

// Config returns the model configuration.
func (t *VAETask) Config() nets.VAEConfig { return t.cfg }

// fillBatch copies images idx into the graph's inputs, pads the rest of the
// batch with zero rows of weight 0, and draws ε from rng (unless rng is nil).
func fillVAEBatch(m *nets.VAE, im *data.Images, idx []int, rng *rand.Rand) {
	x := m.Net.InputData("x")
	for i := range x {
		x[i] = 0
	}
	im.Gather(idx, x[:len(idx)*im.Dim()])
	w := m.Net.InputData("row_weight")
	for i := range w {
		w[i] = 0
		if i < len(idx) {
			w[i] = 1 / float32(len(idx))
		}
	}
	if rng == nil {
		return // the training graph's ε is a random input its executor fills
	}
	eps := m.Net.InputData("eps")
	for i := range eps {
		eps[i] = float32(rng.NormFloat64())
	}
}

// Step trains on one batch.
func (t *VAETask) Step(in train.StepInput) (train.StepResult, error) {
	fillVAEBatch(t.model, t.trainSet, in.Batch, nil)
	return t.step(in)
}

// Evaluate returns the test set's negative ELBO per image in nats
// (test_loss), split into its reconstruction and KL terms, and val_loss on the
// held-out part of the training set when there is one. The noise ε is drawn
// from a source fixed by the seed, so the figures are reproducible.
func (t *VAETask) Evaluate(ctx context.Context) (map[string]float64, error) {
	loss, recon, kl, err := t.score(ctx, t.test)
	if err != nil {
		return nil, err
	}
	res := map[string]float64{"test_loss": loss, "test_recon": recon, "test_kl": kl}
	if t.val != nil {
		if res["val_loss"], _, _, err = t.score(ctx, t.val); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// score returns the mean negative ELBO of the images and its two terms.
func (t *VAETask) score(ctx context.Context, im *data.Images) (loss, recon, kl float64, err error) {
	rng := rand.New(rand.NewSource(t.seed + 7919))
	for start := 0; start < im.N; start += evalBatch {
		if ctx.Err() != nil {
			return 0, 0, 0, ctx.Err()
		}
		idx := seq(start, min(start+evalBatch, im.N))
		fillVAEBatch(t.eval, im, idx, rng)
		if err := t.evalEx.Run(); err != nil {
			return 0, 0, 0, err
		}
		rl, rr, rk := engine.Float32s(t.eval.RowLoss), engine.Float32s(t.eval.Recon), engine.Float32s(t.eval.KL)
		for i := range idx {
			loss += float64(rl[i])
			recon += float64(rr[i])
			kl += float64(rk[i])
		}
	}
	n := float64(im.N)
	return loss / n, recon / n, kl / n, nil
}

// Decode maps latent codes (rows of length latent) to images in [0,1].
func (t *VAETask) Decode(z [][]float32) ([][]float32, error) {
	return DecodeVAE(t.dec, t.decEx, z)
}

// DecodeVAE runs a decoder graph over z in chunks of its batch size.
func DecodeVAE(dec *nets.VAEDecoder, ex engine.Executor, z [][]float32) ([][]float32, error) {
	batch := dec.Z.Shape()[0]
	latent := dec.Z.Shape()[1]
	var out [][]float32
	for start := 0; start < len(z); start += batch {
		in := dec.Net.InputData("z")
		for i := range in {
			in[i] = 0
		}
		end := min(start+batch, len(z))
		for i := start; i < end; i++ {
			copy(in[(i-start)*latent:], z[i])
		}
		if err := ex.Run(); err != nil {
			return nil, err
		}
		mean := engine.Float32s(dec.Mean)
		d := len(mean) / batch
		for i := 0; i < end-start; i++ {
			out = append(out, append([]float32(nil), mean[i*d:(i+1)*d]...))
		}
	}
	return out, nil
}

// Artifacts writes samples.png (64 decodings of fixed prior draws) and
// reconstructions.png (test images above their reconstructions), each also
// as epochs/NAME_epochNNN.png, and the loss curve.
func (t *VAETask) Artifacts(dir *runs.Dir, epoch int) error {
	rng := rand.New(rand.NewSource(t.seed + 104729))
	z := make([][]float32, 64)
	for i := range z {
		z[i] = make([]float32, t.cfg.Latent)
		for j := range z[i] {
			z[i][j] = float32(rng.NormFloat64())
		}
	}
	imgs, err := t.Decode(z)
	if err != nil {
		return err
	}
	c, h, w := t.trainSet.C, t.trainSet.H, t.trainSet.W
	scale := max(1, 56/h)
	if err := t.pictures.png(dir, "samples", epoch, viz.Grid(imgs, c, h, w, 8, scale, 1)); err != nil {
		return err
	}
	// Reconstructions: the means of q(z|x) decoded, for the first 16 test images.
	idx := seq(0, min(16, t.test.N))
	fillVAEBatch(t.eval, t.test, idx, rand.New(rand.NewSource(1)))
	if err := t.evalEx.Run(); err != nil {
		return err
	}
	mu := engine.Float32s(t.eval.Mu)
	codes := make([][]float32, len(idx))
	for i := range idx {
		codes[i] = append([]float32(nil), mu[i*t.cfg.Latent:(i+1)*t.cfg.Latent]...)
	}
	rec, err := t.Decode(codes)
	if err != nil {
		return err
	}
	var grid [][]float32
	for _, i := range idx {
		grid = append(grid, t.test.Image(i))
	}
	grid = append(grid, rec...)
	if err := t.pictures.png(dir, "reconstructions", epoch, viz.Grid(grid, c, h, w, len(idx), scale, 1)); err != nil {
		return err
	}
	return train.PlotLoss(dir, "test_loss", "negative ELBO per image (nats)")
}

// withoutClasses drops the images whose label is in ex.
func withoutClasses(im *data.Images, ex []int) (*data.Images, error) {
	drop := map[int]bool{}
	for _, k := range ex {
		if k >= im.Classes {
			return nil, fmt.Errorf("data.exclude_classes: class %d does not exist (the data has classes 0..%d)", k, im.Classes-1)
		}
		drop[k] = true
	}
	var keep []int
	for i, l := range im.Labels {
		if !drop[l] {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("data.exclude_classes %v leaves no images", ex)
	}
	return im.Subset(keep), nil
}

// holdOut splits a training set into the images trained on and a validation
// set of the given fraction, drawn with the seed; with fraction 0 it returns
// the set unchanged and no validation set.
func holdOut(im *data.Images, fraction float64, seed int64) (trainSet, val *data.Images) {
	if fraction <= 0 {
		return im, nil
	}
	tr, va := data.SplitIndices(im.N, fraction, seed)
	if len(va) == 0 || len(tr) == 0 {
		return im, nil
	}
	return im.Subset(tr), im.Subset(va)
}

func seq(a, b int) []int {
	s := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		s = append(s, i)
	}
	return s
}

// VAEConfig returns the configuration of a VAE run.
func (r *Run) VAEConfig() (nets.VAEConfig, error) {
	if err := r.Expect("a VAE view", "vae"); err != nil {
		return nets.VAEConfig{}, err
	}
	c, h, w, err := r.imageShape()
	if err != nil {
		return nets.VAEConfig{}, err
	}
	return VAEConfigFrom(r.Config, c, h, w), nil
}

// VAE rebuilds the evaluation graph of a VAE run (batch rows, running
// batch-norm statistics, no dropout) with its trained weights.
func (r *Run) VAE(batch int) (*nets.VAE, error) {
	cfg, err := r.VAEConfig()
	if err != nil {
		return nil, err
	}
	return restore(r, func(s *nets.Store) (*nets.VAE, error) { return nets.NewVAE(s, cfg, batch, false) })
}

// VAEDecoder rebuilds the decoder of a VAE run with its trained weights.
func (r *Run) VAEDecoder(batch int) (*nets.VAEDecoder, error) {
	cfg, err := r.VAEConfig()
	if err != nil {
		return nil, err
	}
	return restore(r, func(s *nets.Store) (*nets.VAEDecoder, error) { return nets.NewVAEDecoder(s, cfg, batch) })
}

// sampleVAE decodes o.N draws from the prior N(0, I) into a PNG grid.
func sampleVAE(r *Run, o SampleOptions) (string, error) {
	if o.Class >= 0 {
		return "", fmt.Errorf("--class %d: a VAE is not conditioned on a class, so it cannot be asked for one; leave --class out", o.Class)
	}
	cfg, err := r.VAEConfig()
	if err != nil {
		return "", err
	}
	dec, err := r.VAEDecoder(64)
	if err != nil {
		return "", err
	}
	ex, err := r.Executor(dec.Net)
	if err != nil {
		return "", err
	}
	defer ex.Close()
	rng := rand.New(rand.NewSource(o.Seed))
	z := make([][]float32, o.N)
	for i := range z {
		z[i] = make([]float32, cfg.Latent)
		for j := range z[i] {
			z[i][j] = float32(rng.NormFloat64())
		}
	}
	imgs, err := DecodeVAE(dec, ex, z)
	if err != nil {
		return "", err
	}
	cols := min(o.N, 8)
	if err := viz.SavePNG(o.Out, viz.Grid(imgs, cfg.C, cfg.H, cfg.W, cols, max(1, 56/cfg.H), 1)); err != nil {
		return "", err
	}
	return o.Out, nil
}
