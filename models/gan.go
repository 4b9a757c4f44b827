package models

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"genxai/config"
	"genxai/data"
	"genxai/engine"
	"genxai/nets"
	"genxai/runs"
	"genxai/train"
	"genxai/viz"
)

// A generative adversarial network (Goodfellow et al. 2014) with the
// non-saturating loss, as an MLP pair or a DCGAN-style pair (Radford et al.
// 2016), optionally class-conditional (Mirza & Osindero 2014) with a
// projection discriminator (Miyato & Koyama 2018): the family's config keys,
// its training task, its restored models and its sampler. The graphs are
// nets.GANGenerator, nets.GANDiscriminatorStep and nets.GANGeneratorStep.

func init() {
	register(&Family{Kind: "gan", Keys: ganKeys(), NewTask: builder(NewGANTask), Sample: sampleGAN})
}

// ganKeys are the model.* and metrics.* keys of kind "gan".
func ganKeys() []config.Key {
	return []config.Key{
		config.StringKey("model.arch", "dcgan", "mlp (fully connected pair) or dcgan (upsample+conv generator with batch norm, strided-conv LeakyReLU discriminator)").OneOf("mlp", "dcgan"),
		config.BoolKey("model.conditional", false, "condition both networks on the class: the one-hot label is concatenated to the noise and to the discriminator's input"),
		config.BoolKey("model.projection", false, "conditional only: the discriminator also reads the class at its end, adding ⟨V·y, φ(x)⟩ (a learned class embedding times its last features) to its logit — the projection discriminator of Miyato & Koyama 2018, which conditions far more strongly than input planes alone"),
		config.IntKey("model.latent", 64, "dimension of the generator's noise z ~ N(0, I)").Range(1, 4096),
		config.IntListKey("model.g_hidden", []int{256, 512}, "mlp only: widths of the generator's hidden layers").Range(1, 65536).Len(1, 0),
		config.IntListKey("model.d_hidden", []int{512, 256}, "mlp only: widths of the discriminator's hidden layers").Range(1, 65536).Len(1, 0),
		config.IntListKey("model.g_channels", []int{64, 32}, "dcgan only: generator channels from its smallest grid up; the grid doubles once per entry (28×28 with two entries starts at 7×7)").Range(1, 65536).Len(1, 0),
		config.IntListKey("model.d_channels", []int{32, 64}, "dcgan only: channels of the discriminator's stride-2 4×4 convolutions").Range(1, 65536).Len(1, 0),
		config.BoolKey("model.batch_norm", true, "batch normalization in the generator's hidden layers"),
		config.IntKey("model.d_steps", 1, "discriminator updates per generator update").Range(1, 100),
		config.FloatKey("model.d_lr", 0, "learning rate of the discriminator; 0 = train.lr").AtLeast(0).AtMost(10),
		config.StringKey("metrics.classifier_run", "", "run directory of a trained Fashion-MNIST classifier (kind classifier) whose features score the generator: Fréchet distance and, for a conditional GAN, conditioning accuracy; empty = skip them"),
		config.IntKey("metrics.samples", 5000, "generated images scored by the classifier after each epoch").Range(10, 1000000),
	}
}

// ganSampleBatch is the batch size of the generator graph used for pictures
// and metrics.
const ganSampleBatch = 100

// GANTask trains a nets GAN with the non-saturating loss: each step makes
// model.d_steps discriminator updates (real and generated images in one
// batch) and one generator update, with separate optimizers. After each epoch
// it scores generated images with a trained classifier when
// metrics.classifier_run names one: the Fréchet distance between the
// classifier's features of generated and real test images (fd_classifier) and,
// for a conditional GAN, the share of generated images the classifier assigns
// to their conditioning class (conditioning_accuracy).
type GANTask struct {
	cfg            nets.GANConfig
	store          *nets.Store
	trainSet, test *data.Images
	batch          int
	dSteps         int
	dLRScale       float64 // discriminator learning rate / generator learning rate
	seed           int64
	pictures       epochFiles

	fake           *nets.GANGenerator         // training-mode generator: fakes for the discriminator
	dStep          *nets.GANDiscriminatorStep // batch 2·batch: real rows then generated rows
	gStep          *nets.GANGeneratorStep
	sampler        *nets.GANGenerator // evaluation-mode generator, batch ganSampleBatch
	ws             *engine.Workspace
	dTrain, gTrain *train.Step
	fakeEx, sampEx engine.Executor

	judge         *TrainedClassifier // nil when metrics are skipped
	metricSamples int
	realMu        []float64
	realCov       *mat.SymDense

	dSum, gSum float64 // losses summed since the last evaluation
	lossN      int

	// condConfusion counts, for a conditional GAN's last evaluation, the
	// generated images of each conditioning class (rows) by the class the
	// judge assigned them (columns).
	condConfusion [][]int
}

// GANConfigFrom reads a nets.GANConfig from a training config for images of
// shape c×h×w in the given number of classes.
func GANConfigFrom(c *config.Config, ch, h, w, classes int) nets.GANConfig {
	cfg := nets.GANConfig{
		Arch: c.String("model.arch"), C: ch, H: h, W: w, Latent: c.Int("model.latent"),
		GHidden: c.Ints("model.g_hidden"), DHidden: c.Ints("model.d_hidden"),
		GChannels: c.Ints("model.g_channels"), DChannels: c.Ints("model.d_channels"),
		BatchNorm: c.Bool("model.batch_norm"), Projection: c.Bool("model.projection"),
	}
	if c.Bool("model.conditional") {
		cfg.Classes = classes
	}
	return cfg
}

// NewGANTask loads the data named by data.path, builds the graphs and, when
// metrics.classifier_run is set, loads the classifier that scores samples.
func NewGANTask(c *config.Config, opt train.OptimConfig, executor string) (*GANTask, error) {
	trainSet, test, err := data.OpenImages(c.String("data.path"))
	if err != nil {
		return nil, err
	}
	t := &GANTask{trainSet: trainSet, test: test, batch: c.Int("train.batch_size"), dSteps: c.Int("model.d_steps"),
		seed: int64(c.Int("seed")), metricSamples: c.Int("metrics.samples"), dLRScale: 1, pictures: newEpochFiles(c)}
	if dlr := c.Float("model.d_lr"); dlr > 0 {
		t.dLRScale = dlr / c.Float("train.lr")
	}
	t.cfg = GANConfigFrom(c, trainSet.C, trainSet.H, trainSet.W, trainSet.Classes)
	t.store = nets.NewStore(t.seed)
	if t.gStep, err = nets.NewGANGeneratorStep(t.store, t.cfg, t.batch); err != nil {
		return nil, err
	}
	if t.dStep, err = nets.NewGANDiscriminatorStep(t.store, t.cfg, 2*t.batch); err != nil {
		return nil, err
	}
	if t.fake, err = nets.NewGANGenerator(t.store, t.cfg, t.batch, true); err != nil {
		return nil, err
	}
	if t.sampler, err = nets.NewGANGenerator(t.store, t.cfg, ganSampleBatch, false); err != nil {
		return nil, err
	}
	var gParams []train.Param
	for _, p := range train.ParamsOf(t.gStep.Net) {
		if strings.HasPrefix(p.Name, nets.GeneratorPrefix) {
			gParams = append(gParams, p)
		}
	}
	if t.ws, err = taskWorkspace(executor, c.String("device"), t.store); err != nil {
		return nil, err
	}
	if t.dTrain, err = train.Prepare(t.dStep.Net, t.dStep.Loss, nil, executor, opt, t.ws, ganStreamD); err != nil {
		t.Close()
		return nil, err
	}
	if t.gTrain, err = train.Prepare(t.gStep.Net, t.gStep.Loss, gParams, executor, opt, t.ws, ganStreamG, train.NormalInput(t.gStep.Z)); err != nil {
		t.Close()
		return nil, err
	}
	if t.fakeEx, err = train.NewExecutor(executor, t.fake.Net, nil, t.ws, train.NormalInput(t.fake.Z)); err != nil {
		t.Close()
		return nil, err
	}
	if t.sampEx, err = train.NewExecutor(executor, t.sampler.Net, nil, t.ws); err != nil {
		t.Close()
		return nil, err
	}
	if run := c.String("metrics.classifier_run"); run != "" {
		if err := t.loadJudge(run); err != nil {
			t.Close()
			return nil, fmt.Errorf("metrics.classifier_run: %w", err)
		}
	} else {
		fmt.Fprintln(os.Stderr, "gan: metrics.classifier_run is empty, so fd_classifier and conditioning_accuracy are skipped; train a classifier (configs/cnn-fashion.yaml) and name its run directory there to get them")
	}
	return t, nil
}

// loadJudge loads the scoring classifier and the features of real test images.
func (t *GANTask) loadJudge(run string) error {
	jr, err := Open(run)
	if err == nil {
		err = jr.Expect("metrics.classifier_run", "classifier")
	}
	if err != nil {
		return fmt.Errorf("loading the classifier of %s: %w", run, err)
	}
	judge, err := jr.TrainedClassifier(500)
	if err != nil {
		return fmt.Errorf("loading the classifier of %s: %w", run, err)
	}
	jc := judge.Model.Config
	if jc.C != t.cfg.C || jc.H != t.cfg.H || jc.W != t.cfg.W || jc.Classes != t.trainSet.Classes {
		judge.Close()
		return fmt.Errorf("the classifier in %s takes %d×%d×%d images in %d classes, the GAN's data is %d×%d×%d in %d classes: train the classifier on the same data", run, jc.C, jc.H, jc.W, jc.Classes, t.cfg.C, t.cfg.H, t.cfg.W, t.trainSet.Classes)
	}
	n := min(t.metricSamples, t.test.N)
	real := make([][]float32, n)
	for i := range real {
		real[i] = t.test.Image(i)
	}
	feats, _, err := judge.Score(real)
	if err != nil {
		judge.Close()
		return err
	}
	t.realMu, t.realCov = MeanCov(feats)
	t.judge = judge
	return nil
}

// Kind is "gan".
func (t *GANTask) Kind() string { return "gan" }

// Store holds both networks' tensors.
func (t *GANTask) Store() *nets.Store { return t.store }

// Optimizers are the generator's ("g.") and the discriminator's ("d.").
func (t *GANTask) Optimizers() map[string]*train.Optimizer {
	return map[string]*train.Optimizer{"g.": t.gTrain.Opt, "d.": t.dTrain.Opt}
}

// TrainSize is the number of training images.
func (t *GANTask) TrainSize() int { return t.trainSet.N }

// Executor names the executor.
func (t *GANTask) Executor() string { return t.dTrain.Trainer.Name() }

// Sync brings the workspace's state back into the Store and the optimizers.
func (t *GANTask) Sync() error { return t.ws.Sync() }

// The random streams of a GAN step (train.StepKey): the generator's update,
// and the fakes of each discriminator update (ganStreamFake + its number).
const (
	ganStreamD    = 1
	ganStreamG    = 2
	ganStreamFake = 256
)

// Config returns the model configuration.
func (t *GANTask) Config() nets.GANConfig { return t.cfg }

// fillNoise draws z ~ N(0, I).
func fillNoise(z []float32, rng *rand.Rand) {
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
}

// fillLabels writes the one-hot labels of classes into rows offset… of
// label (k classes a row).
func fillLabels(label []float32, classes []int, k, offset int) {
	for i, c := range classes {
		row := label[(offset+i)*k : (offset+i+1)*k]
		clear(row)
		row[c] = 1
	}
}

// Step makes model.d_steps discriminator updates and one generator update.
// The first discriminator update uses the Loop's batch of real images; the
// others draw theirs from the step's random source. Generated images are
// conditioned on the labels of the real batch, so classes appear as often
// as in the data.
//
// On a device that queues steps (train.Step.Launch: the CUDA backend's
// captured steps) the last discriminator update and the generator update
// are launched without waiting, and their losses come with the step's
// result later (StepResult.Later): the host then waits once per step, for
// the generated images, instead of three times. The earlier updates of
// d_steps > 1 wait for their results, as a plan's launched values must be
// read before its step after next is launched.
func (t *GANTask) Step(in train.StepInput) (train.StepResult, error) {
	B, d, k := t.batch, t.cfg.C*t.cfg.H*t.cfg.W, t.cfg.Classes
	var dStep train.LaunchedStep
	for s := 0; s < t.dSteps; s++ {
		idx := in.Batch
		if s > 0 {
			idx = make([]int, len(in.Batch))
			for i := range idx {
				idx[i] = in.Rng.Intn(t.trainSet.N)
			}
		}
		n := len(idx)
		labels := make([]int, n)
		t.trainSet.GatherLabels(idx, labels)
		// Generated images from the training-mode generator.
		t.fakeEx.SetRandomKey(train.StepKey(in, ganStreamFake+uint32(s)))
		if k > 0 {
			fillLabels(t.fake.Net.InputData("label"), labels, k, 0)
		}
		if err := t.fakeEx.Run(); err != nil {
			return train.StepResult{}, err
		}
		x := t.dStep.Net.InputData("x")
		clear(x)
		t.trainSet.Gather(idx, x[:n*d])
		for i := range x[:n*d] {
			x[i] = 2*x[i] - 1
		}
		copy(x[B*d:], engine.Float32s(t.fake.Image)[:n*d])
		sign, w := t.dStep.Net.InputData("sign"), t.dStep.Net.InputData("row_weight")
		clear(w)
		for i := 0; i < B; i++ {
			sign[i], sign[B+i] = 1, -1
			if i < n {
				w[i], w[B+i] = 1/float32(n), 1/float32(n)
			}
		}
		if k > 0 {
			lab := t.dStep.Net.InputData("label")
			fillLabels(lab, labels, k, 0)
			fillLabels(lab, labels, k, B)
		}
		// Each discriminator update of the step is a draw of its own.
		var err error
		if s == t.dSteps-1 {
			dStep, err = t.dTrain.Launch(in, in.LR*t.dLRScale, uint32(s))
		} else {
			_, _, err = t.dTrain.Run(in, in.LR*t.dLRScale, uint32(s))
		}
		if err != nil {
			return train.StepResult{}, err
		}
	}
	// Generator update.
	n := len(in.Batch)
	labels := make([]int, n)
	t.trainSet.GatherLabels(in.Batch, labels)
	if k > 0 {
		fillLabels(t.gStep.Net.InputData("label"), labels, k, 0)
	}
	w := t.gStep.Net.InputData("row_weight")
	clear(w)
	for i := 0; i < n; i++ {
		w[i] = 1 / float32(n)
	}
	gStep, err := t.gTrain.Launch(in, in.LR, 0)
	if err != nil {
		return train.StepResult{}, err
	}
	done := func() (train.StepResult, error) {
		dLoss, dNorm, err := dStep.Done()
		if err != nil {
			return train.StepResult{}, err
		}
		gLoss, gNorm, err := gStep.Done()
		if err != nil {
			return train.StepResult{}, err
		}
		t.dSum += dLoss
		t.gSum += gLoss
		t.lossN++
		return train.StepResult{Loss: gLoss, Metrics: map[string]float64{"d_loss": dLoss, "g_loss": gLoss, "d_grad_norm": dNorm, "g_grad_norm": gNorm}}, nil
	}
	if dStep.Ready() && gStep.Ready() {
		return done()
	}
	return train.StepResult{Later: done}, nil
}

// Generate draws one image per entry of classes (ignored, and its length
// only counted, for an unconditional GAN) from the evaluation-mode generator,
// with values in [0, 1].
func (t *GANTask) Generate(classes []int, rng *rand.Rand) ([][]float32, error) {
	return GenerateGAN(t.sampler, t.sampEx, t.cfg, classes, rng)
}

// GenerateGAN draws one image per entry of classes from the generator g
// (batch rows per run of its executor ex; classes are ignored, and only
// counted, for an unconditional GAN), with values in [0, 1], the noise drawn
// from rng.
func GenerateGAN(g *nets.GANGenerator, ex engine.Executor, cfg nets.GANConfig, classes []int, rng *rand.Rand) ([][]float32, error) {
	batch := g.Z.Shape()[0]
	d := cfg.C * cfg.H * cfg.W
	var out [][]float32
	for start := 0; start < len(classes); start += batch {
		end := min(start+batch, len(classes))
		fillNoise(g.Net.InputData("z"), rng)
		if cfg.Conditional() {
			lab := g.Net.InputData("label")
			clear(lab)
			fillLabels(lab, classes[start:end], cfg.Classes, 0)
		}
		if err := ex.Run(); err != nil {
			return nil, err
		}
		img := engine.Float32s(g.Image)
		for i := 0; i < end-start; i++ {
			x := make([]float32, d)
			for j := range x {
				x[j] = (img[i*d+j] + 1) / 2
			}
			out = append(out, x)
		}
	}
	return out, nil
}

// Evaluate reports the mean discriminator and generator losses since the
// last evaluation and, with a classifier, fd_classifier and (conditional
// GANs) conditioning_accuracy over metrics.samples generated images drawn
// with a source fixed by the seed.
func (t *GANTask) Evaluate(ctx context.Context) (map[string]float64, error) {
	res := map[string]float64{}
	if t.lossN > 0 {
		res["d_loss_mean"] = t.dSum / float64(t.lossN)
		res["g_loss_mean"] = t.gSum / float64(t.lossN)
		t.dSum, t.gSum, t.lossN = 0, 0, 0
	}
	if t.judge == nil {
		return res, nil
	}
	classes := make([]int, t.metricSamples)
	for i := range classes {
		if t.cfg.Conditional() {
			classes[i] = i % t.cfg.Classes
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	imgs, err := t.Generate(classes, rand.New(rand.NewSource(t.seed+7717)))
	if err != nil {
		return nil, err
	}
	feats, pred, err := t.judge.Score(imgs)
	if err != nil {
		return nil, err
	}
	mu, cov := MeanCov(feats)
	fd, err := FrechetDistance(t.realMu, t.realCov, mu, cov)
	if err != nil {
		return nil, err
	}
	res["fd_classifier"] = fd
	if t.cfg.Conditional() {
		t.condConfusion = make([][]int, t.cfg.Classes)
		for k := range t.condConfusion {
			t.condConfusion[k] = make([]int, t.cfg.Classes)
		}
		hit := 0
		for i, p := range pred {
			if p >= 0 && p < t.cfg.Classes {
				t.condConfusion[classes[i]][p]++
			}
			if p == classes[i] {
				hit++
			}
		}
		res["conditioning_accuracy"] = float64(hit) / float64(len(pred))
	}
	return res, nil
}

// writeConditioning writes conditioning.csv: per conditioning class, the
// share of its generated images the judge assigns to it, and the class it
// most often mistakes them for. It tells which classes hold
// conditioning_accuracy down.
func (t *GANTask) writeConditioning(dir *runs.Dir) error {
	if t.condConfusion == nil {
		return nil
	}
	names := t.trainSet.AllClassNames()
	acc := perClassAccuracy(t.condConfusion)
	var rows [][]string
	for k, row := range t.condConfusion {
		total, worst := 0, -1
		for j, v := range row {
			total += v
			if j != k && v > 0 && (worst < 0 || v > row[worst]) {
				worst = j
			}
		}
		wName, wShare := "", 0.0
		if worst >= 0 {
			wName, wShare = names[worst], float64(row[worst])/float64(total)
		}
		rows = append(rows, []string{strconv.Itoa(k), names[k], strconv.FormatFloat(acc[k], 'f', 4, 64), strconv.Itoa(total),
			wName, strconv.FormatFloat(wShare, 'f', 4, 64)})
	}
	return runs.WriteCSV(dir.File("conditioning.csv"), []string{"class", "name", "accuracy", "generated", "most_mistaken_for", "share_mistaken"}, rows)
}

// MeanCov returns the mean and the sample covariance of the rows of x.
func MeanCov(x [][]float64) ([]float64, *mat.SymDense) {
	n, d := len(x), len(x[0])
	m := mat.NewDense(n, d, nil)
	for i, row := range x {
		m.SetRow(i, row)
	}
	mu := make([]float64, d)
	for j := range mu {
		mu[j] = stat.Mean(mat.Col(nil, j, m), nil)
	}
	cov := mat.NewSymDense(d, nil)
	stat.CovarianceMatrix(cov, m, nil)
	return mu, cov
}

// FrechetDistance is the squared Fréchet (2-Wasserstein) distance between
// the Gaussians N(μ1, Σ1) and N(μ2, Σ2) (Dowson and Landau, 1982):
//
//	‖μ1 − μ2‖² + tr Σ1 + tr Σ2 − 2 tr (Σ1^½ Σ2 Σ1^½)^½,
//
// the formula of the FID (Heusel et al., "GANs Trained by a Two Time-Scale
// Update Rule Converge to a Local Nash Equilibrium", 2017), here in the
// feature space of the project's own classifier. tr (Σ1 Σ2)^½ is computed as
// tr (Σ1^½ Σ2 Σ1^½)^½, a symmetric positive semi-definite matrix, from two
// symmetric eigendecompositions; eigenvalues that rounding pushes below zero
// count as zero.
func FrechetDistance(mu1 []float64, s1 *mat.SymDense, mu2 []float64, s2 *mat.SymDense) (float64, error) {
	d := len(mu1)
	if len(mu2) != d || s1.SymmetricDim() != d || s2.SymmetricDim() != d {
		return 0, fmt.Errorf("fréchet distance: dimensions differ (%d, %d, %d×%d, %d×%d)", d, len(mu2), s1.SymmetricDim(), s1.SymmetricDim(), s2.SymmetricDim(), s2.SymmetricDim())
	}
	var diff float64
	for i := range mu1 {
		diff += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i])
	}
	root1, err := sqrtSym(s1)
	if err != nil {
		return 0, err
	}
	var prod mat.Dense
	prod.Mul(root1, s2)
	prod.Mul(&prod, root1)
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (prod.At(i, j)+prod.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return 0, fmt.Errorf("fréchet distance: the eigendecomposition did not converge")
	}
	var trRoot float64
	for _, l := range eig.Values(nil) {
		if l > 0 {
			trRoot += math.Sqrt(l)
		}
	}
	return diff + mat.Trace(s1) + mat.Trace(s2) - 2*trRoot, nil
}

// sqrtSym is the symmetric positive semi-definite square root V·diag(√λ)·Vᵀ.
func sqrtSym(s *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, fmt.Errorf("fréchet distance: the eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	d := len(vals)
	scaled := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			scaled.Set(i, j, v.At(i, j)*math.Sqrt(math.Max(vals[j], 0)))
		}
	}
	var root mat.Dense
	root.Mul(scaled, v.T())
	return &root, nil
}

// Artifacts writes samples.png (and epochs/samples_epochNNN.png) from noise
// fixed by the seed (the same every epoch, so progress is visible; a
// conditional GAN draws one row per class) and loss.png with both networks'
// losses.
func (t *GANTask) Artifacts(dir *runs.Dir, epoch int) error {
	img, err := t.sampleGrid(rand.New(rand.NewSource(t.seed+104729)), -1)
	if err != nil {
		return err
	}
	if err := t.pictures.png(dir, "samples", epoch, img); err != nil {
		return err
	}
	if err := t.writeConditioning(dir); err != nil {
		return err
	}
	return plotGANLoss(dir)
}

// sampleGrid draws a grid: for a conditional GAN, 10 images of each class in
// rows labelled with the class names (only class when class ≥ 0); otherwise
// 64 images.
func (t *GANTask) sampleGrid(rng *rand.Rand, class int) (*image.RGBA, error) {
	return ganGrid(t.sampler, t.sampEx, t.cfg, t.trainSet.AllClassNames(), rng, class, 100)
}

// ganGrid draws n images into a grid. A conditional GAN with class < 0 draws
// n/classes images of each class, one labelled row per class; with class ≥ 0,
// n images of that class.
func ganGrid(g *nets.GANGenerator, ex engine.Executor, cfg nets.GANConfig, names []string, rng *rand.Rand, class, n int) (*image.RGBA, error) {
	classes := make([]int, n)
	cols := min(n, 8)
	var labels []string
	switch {
	case cfg.Conditional() && class < 0:
		per := max(1, n/cfg.Classes)
		classes = classes[:0]
		for c := 0; c < cfg.Classes; c++ {
			for j := 0; j < per; j++ {
				classes = append(classes, c)
			}
		}
		cols, labels = per, names
	case cfg.Conditional():
		for i := range classes {
			classes[i] = class
		}
	}
	imgs, err := GenerateGAN(g, ex, cfg, classes, rng)
	if err != nil {
		return nil, err
	}
	return viz.GridWithLabels(imgs, cfg.C, cfg.H, cfg.W, cols, max(1, 56/cfg.H), 1, labels), nil
}

// Close releases the executors and the classifier.
func (t *GANTask) Close() error {
	closeAll(t.fakeEx, t.sampEx)
	for _, st := range []*train.Step{t.dTrain, t.gTrain} {
		if st != nil {
			st.Trainer.Close()
		}
	}
	if t.judge != nil {
		t.judge.Close()
	}
	return t.ws.Close()
}

// plotGANLoss draws loss.png from metrics.jsonl: the discriminator's and the
// generator's losses at each logged step.
func plotGANLoss(dir *runs.Dir) error {
	recs, err := dir.ReadMetrics()
	if err != nil {
		return fmt.Errorf("the loss plot: %w", err)
	}
	dl := viz.Series{Name: "discriminator"}
	gl := viz.Series{Name: "generator"}
	dl.X, dl.Y = runs.Series(recs, "d_loss")
	gl.X, gl.Y = runs.Series(recs, "g_loss")
	if len(dl.X) == 0 {
		return nil
	}
	return viz.LinePlot(dir.File("loss.png"), "GAN losses (non-saturating)", "generator step", "loss (nats)", []viz.Series{dl, gl})
}

// GANConfig returns the configuration of a GAN run.
func (r *Run) GANConfig() (nets.GANConfig, error) {
	if err := r.Expect("this use", "gan"); err != nil {
		return nets.GANConfig{}, err
	}
	tr, _, err := r.Images()
	if err != nil {
		return nets.GANConfig{}, err
	}
	return GANConfigFrom(r.Config, tr.C, tr.H, tr.W, tr.Classes), nil
}

// GANGenerator rebuilds the evaluation-mode generator of a GAN run (running
// batch-norm statistics) with its trained weights, and returns its
// configuration and the class names of its data set.
func (r *Run) GANGenerator(batch int) (*nets.GANGenerator, nets.GANConfig, []string, error) {
	cfg, err := r.GANConfig()
	if err != nil {
		return nil, cfg, nil, err
	}
	g, err := restore(r, func(s *nets.Store) (*nets.GANGenerator, error) { return nets.NewGANGenerator(s, cfg, batch, false) })
	if err != nil {
		return nil, cfg, nil, err
	}
	return g, cfg, r.trainSet.AllClassNames(), nil
}

// Discriminator rebuilds the discriminator of a GAN run with its trained
// weights. The discriminator has no batch norm or dropout, so its training
// graph computes the same logits as an evaluation graph would. It reads
// images in [−1, 1].
func (r *Run) Discriminator(batch int) (*nets.GANDiscriminatorStep, nets.GANConfig, error) {
	cfg, err := r.GANConfig()
	if err != nil {
		return nil, cfg, err
	}
	d, err := restore(r, func(s *nets.Store) (*nets.GANDiscriminatorStep, error) {
		return nets.NewGANDiscriminatorStep(s, cfg, batch)
	})
	return d, cfg, err
}

// sampleGAN draws o.N images (--class K: all of class K) into a PNG grid.
func sampleGAN(r *Run, o SampleOptions) (string, error) {
	g, cfg, names, err := r.GANGenerator(ganSampleBatch)
	if err != nil {
		return "", err
	}
	if o.Class >= 0 && !cfg.Conditional() {
		return "", fmt.Errorf("--class %d: this GAN is not conditional (model.conditional is false), so it cannot be asked for a class; leave --class out", o.Class)
	}
	if o.Class >= cfg.Classes && cfg.Conditional() {
		return "", fmt.Errorf("--class %d is out of range: the model knows classes 0..%d", o.Class, cfg.Classes-1)
	}
	ex, err := r.Executor(g.Net)
	if err != nil {
		return "", err
	}
	defer ex.Close()
	img, err := ganGrid(g, ex, cfg, names, rand.New(rand.NewSource(o.Seed)), o.Class, o.N)
	if err != nil {
		return "", err
	}
	if err := viz.SavePNG(o.Out, img); err != nil {
		return "", err
	}
	return o.Out, nil
}
