package augment

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"

	"genxai/data"
	"genxai/engine"
	"genxai/models"
	"genxai/nets"
)

// modelBatch is the batch size of the GAN generator and classifier graphs
// the pipeline builds: large enough to amortize the per-run overhead of the
// executor, small enough to keep the graphs' memory modest.
const modelBatch = 100

// ImageShape is the shape of one image and the number of classes of an image
// data set; a trained model and the pipeline's data must agree on it.
type ImageShape struct {
	C, H, W, Classes int
	// ClassNames names each class ("0".."9" for the digits).
	ClassNames []string
}

// String renders the shape as "C×H×W in K classes".
func (s ImageShape) String() string {
	return fmt.Sprintf("%d×%d×%d images in %d classes", s.C, s.H, s.W, s.Classes)
}

// Dim is the number of pixels C·H·W.
func (s ImageShape) Dim() int { return s.C * s.H * s.W }

// matches says why a model trained on shape m cannot serve data of shape s,
// or returns "" when it can: same image shape, same number of classes and
// the same class names in the same order (so class c means the same thing to
// both).
func (s ImageShape) matches(m ImageShape) string {
	if s.C != m.C || s.H != m.H || s.W != m.W || s.Classes != m.Classes {
		return fmt.Sprintf("the model was trained on %s, the data set has %s", m, s)
	}
	for i := range s.ClassNames {
		if i < len(m.ClassNames) && s.ClassNames[i] != m.ClassNames[i] {
			return fmt.Sprintf("class %d is %q for the model but %q in the data set: the model was trained on other data", i, m.ClassNames[i], s.ClassNames[i])
		}
	}
	return ""
}

// shapeOf is the shape and class names of an image set.
func shapeOf(im *data.Images) ImageShape {
	return ImageShape{C: im.C, H: im.H, W: im.W, Classes: im.Classes, ClassNames: im.AllClassNames()}
}

// unfinished reports whether a run directory lacks summary.json, which
// train.Run writes only when training completes.
func unfinished(run string) bool {
	_, err := os.Stat(filepath.Join(run, "summary.json"))
	return err != nil
}

// openRun opens the run directory named by the config key and checks that it
// holds a model of the given kind; its errors name the key and say how to
// produce such a run.
func openRun(key, run, kind, how string) (*models.Run, error) {
	r, err := models.Open(run)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w; %s", key, run, err, how)
	}
	if r.Kind != kind {
		return nil, fmt.Errorf("%s %q holds a %q model, not a %s; %s", key, run, r.Kind, kind, how)
	}
	return r, nil
}

// GANGenerator draws labelled synthetic images from a trained
// class-conditional GAN (Mirza and Osindero, "Conditional Generative
// Adversarial Nets", 2014): for class c it feeds fresh noise z ~ N(0, I) and
// the one-hot label of c to the generator, in batches, and maps the tanh
// output from [−1, 1] to pixels in [0, 1]. Sample then maps the pixels
// through the pipeline's features (see WithFeatures), so GAN samples land in
// the same space as the real rows.
type GANGenerator struct {
	// Run is the GAN's run directory.
	Run string
	// Config is the GAN's architecture.
	Config nets.GANConfig
	// Shape is the image shape and the classes it was trained on.
	Shape ImageShape
	// Unfinished is true when the run has a checkpoint but no summary.json:
	// its training was interrupted, and the last checkpoint is used.
	Unfinished bool
	// Device is where the generator runs (cpu or cuda; genxai augment's
	// device key, or the run's own device setting).
	Device string

	gen      *nets.GANGenerator
	exec     engine.Executor
	features func(X []float64, n int) ([]float64, error) // nil: raw pixels
}

// OpenGANGenerator rebuilds the evaluation-mode generator of the GAN trained
// in run (models.Run.GANGenerator) and keeps its output node readable after
// each run of the graph. It fails, naming the run, when the directory holds
// no finished checkpoint, when the model is not a GAN, or when the GAN is
// unconditional: without a class input it cannot be asked for samples of a
// given class, which labelled augmentation needs.
func OpenGANGenerator(run string) (*GANGenerator, error) {
	const how = "train a class-conditional GAN first, e.g. genxai train -c configs/cgan-fashion.yaml --out runs/cgan-fashion, and name its run directory"
	r, err := openRun("generator.gan_run", run, "gan", how)
	if err != nil {
		return nil, err
	}
	if !r.Config.Bool("model.conditional") {
		return nil, fmt.Errorf("generator.gan_run %q is an unconditional GAN (model.conditional: false in its config.yaml): it cannot be asked for images of a given class, so it cannot make labelled samples; %s", run, how)
	}
	g, cfg, names, err := r.GANGenerator(modelBatch)
	if err != nil {
		return nil, fmt.Errorf("generator.gan_run %q: rebuilding the generator: %w", run, err)
	}
	g.Net.Keep(g.Image)
	ex, err := r.Executor(g.Net)
	if err != nil {
		return nil, fmt.Errorf("generator.gan_run %q: %w", run, err)
	}
	device, _, err := r.Device()
	if err != nil {
		return nil, fmt.Errorf("generator.gan_run %q: %w", run, err)
	}
	return &GANGenerator{Run: run, Config: cfg, gen: g, exec: ex, Unfinished: unfinished(run), Device: device,
		Shape: ImageShape{C: cfg.C, H: cfg.H, W: cfg.W, Classes: cfg.Classes, ClassNames: names}}, nil
}

// WithFeatures returns a view of g whose Sample maps the generated pixels
// through f (n rows of C·H·W pixels in, n feature rows out). The view shares
// g's graph, so it must not be used concurrently with g or other views.
func (g *GANGenerator) WithFeatures(f func(X []float64, n int) ([]float64, error)) *GANGenerator {
	v := *g
	v.features = f
	return &v
}

// Images draws n images of class, row-major n×(C·H·W) pixels in [0, 1]; see
// ImagesOf.
func (g *GANGenerator) Images(class, n int, rng *rand.Rand) ([]float64, error) {
	if n < 0 {
		return nil, fmt.Errorf("GAN %s: %d images asked for", g.Run, n)
	}
	classes := make([]int, n)
	for i := range classes {
		classes[i] = class
	}
	return g.ImagesOf(classes, rng)
}

// ImagesOf draws one image per entry of classes, row-major
// len(classes)×(C·H·W) pixels in [0, 1], filling whole batches of the
// graph whatever the mix of classes. The noise comes from rng, latent
// standard normals per image in row order, so the result does not depend
// on the batch size of the graph.
func (g *GANGenerator) ImagesOf(classes []int, rng *rand.Rand) ([]float64, error) {
	k := g.Config.Classes
	for _, c := range classes {
		if c < 0 || c >= k {
			return nil, fmt.Errorf("GAN %s: class %d out of range [0,%d)", g.Run, c, k)
		}
	}
	n := len(classes)
	d := g.Shape.Dim()
	batch := g.gen.Z.Shape()[0]
	latent := g.Config.Latent
	out := make([]float64, 0, n*d)
	z, label := g.gen.Net.InputData("z"), g.gen.Net.InputData("label")
	for start := 0; start < n; start += batch {
		rows := min(batch, n-start)
		clear(z)
		for i := range z[:rows*latent] {
			z[i] = float32(rng.NormFloat64())
		}
		clear(label)
		for i, c := range classes[start : start+rows] {
			label[i*k+c] = 1
		}
		if err := g.exec.Run(); err != nil {
			return nil, fmt.Errorf("GAN %s: running the generator: %w", g.Run, err)
		}
		img := engine.Float32s(g.gen.Image)
		if len(img) < rows*d {
			return nil, fmt.Errorf("GAN %s: the generator returned %d values for %d images of %d pixels", g.Run, len(img), rows, d)
		}
		for _, v := range img[:rows*d] {
			out = append(out, (float64(v)+1)/2)
		}
	}
	return out, nil
}

// Sample draws n images of class and returns them in the feature space set
// by WithFeatures (raw pixels when none is set).
func (g *GANGenerator) Sample(class, n int, rng *rand.Rand) ([]float64, error) {
	X, err := g.Images(class, n, rng)
	if err != nil || g.features == nil {
		return X, err
	}
	return g.features(X, n)
}

// SampleOf draws one image per entry of classes (ImagesOf) and returns them
// in the feature space set by WithFeatures. Drawing all classes in one call
// fills the graph's batches, which per-class Sample calls of a few images
// each would mostly leave empty.
func (g *GANGenerator) SampleOf(classes []int, rng *rand.Rand) ([]float64, error) {
	X, err := g.ImagesOf(classes, rng)
	if err != nil || g.features == nil {
		return X, err
	}
	return g.features(X, len(classes))
}

// Close releases the generator's executor.
func (g *GANGenerator) Close() error { return g.exec.Close() }

// Embedder maps images to the activations of a trained classifier's
// penultimate layer (the last hidden layer, after its activation: the input
// of the output layer), the learned representation used as features in
// transfer learning (e.g. Donahue et al., "DeCAF", 2014) and, as here, as
// the space of the FID-style metrics of the GAN trainer.
type Embedder struct {
	// Run is the classifier's run directory.
	Run string
	// Config is the classifier's architecture.
	Config nets.ClassifierConfig
	// Shape is the image shape and the classes it was trained on.
	Shape ImageShape
	// Dim is the width of the embedding.
	Dim int
	// Unfinished is true when the run has a checkpoint but no summary.json.
	Unfinished bool
	// Device is where the classifier runs (as GANGenerator.Device).
	Device string

	model *nets.Classifier
	exec  engine.Executor
}

// OpenEmbedder rebuilds the evaluation graph of the classifier trained in
// run with its weights, marking the embedding and the logits as kept so
// their values can be read after each run of the graph (the executor may
// reuse the memory of unkept intermediate nodes). It fails, naming the run,
// when the directory holds no finished checkpoint or no classifier.
func OpenEmbedder(run string) (*Embedder, error) {
	const how = "train a classifier first, e.g. genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion, and name its run directory"
	r, err := openRun("features.classifier_run", run, "classifier", how)
	if err != nil {
		return nil, err
	}
	trainSet, _, err := r.Images()
	if err != nil {
		return nil, fmt.Errorf("features.classifier_run %q: opening the data it was trained on (data.path %q in its config.yaml): %w", run, r.Config.String("data.path"), err)
	}
	shape := shapeOf(trainSet)
	m, err := r.Classifier(modelBatch, false, 0)
	if err != nil {
		return nil, fmt.Errorf("features.classifier_run %q: %w", run, err)
	}
	cfg := m.Config
	m.Net.Keep(m.Features, m.Logits)
	ex, err := r.Executor(m.Net)
	if err != nil {
		return nil, fmt.Errorf("features.classifier_run %q: %w", run, err)
	}
	device, _, err := r.Device()
	if err != nil {
		return nil, fmt.Errorf("features.classifier_run %q: %w", run, err)
	}
	return &Embedder{Run: run, Config: cfg, Shape: shape, Dim: m.Features.Shape()[1], Unfinished: unfinished(run), Device: device, model: m, exec: ex}, nil
}

// Embed returns the n×Dim embedding of the n images in X (row-major, C·H·W
// pixels in [0, 1] each) and the class the classifier predicts for each.
func (e *Embedder) Embed(X []float64, n int) ([]float64, []int, error) {
	d := e.Shape.Dim()
	if len(X) != n*d {
		return nil, nil, fmt.Errorf("classifier %s: %d values for %d images of %d pixels", e.Run, len(X), n, d)
	}
	k := e.Config.Classes
	out := make([]float64, 0, n*e.Dim)
	pred := make([]int, 0, n)
	x := e.model.Net.InputData("x")
	for start := 0; start < n; start += modelBatch {
		rows := min(modelBatch, n-start)
		clear(x)
		for i, v := range X[start*d : (start+rows)*d] {
			x[i] = float32(v)
		}
		if err := e.exec.Run(); err != nil {
			return nil, nil, fmt.Errorf("classifier %s: %w", e.Run, err)
		}
		f, logits := engine.Float32s(e.model.Features), engine.Float32s(e.model.Logits)
		if len(f) < rows*e.Dim || len(logits) < rows*k {
			return nil, nil, fmt.Errorf("classifier %s: the graph returned %d features and %d logits for %d images", e.Run, len(f), len(logits), rows)
		}
		for _, v := range f[:rows*e.Dim] {
			out = append(out, float64(v))
		}
		for i := 0; i < rows; i++ {
			row := logits[i*k : (i+1)*k]
			best := 0
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
			pred = append(pred, best)
		}
	}
	return out, pred, nil
}

// Close releases the classifier's executor.
func (e *Embedder) Close() error { return e.exec.Close() }
