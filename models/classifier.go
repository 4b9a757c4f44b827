package models

import (
	"context"
	"fmt"
	"strconv"

	"genxai/config"
	"genxai/data"
	"genxai/engine"
	"genxai/nets"
	"genxai/runs"
	"genxai/train"
	"genxai/viz"
)

// An image classifier, a multilayer perceptron or a small convolutional
// network (two conv+pool blocks and a dense head, in the style of LeNet; LeCun
// et al. 1998), trained with softmax cross-entropy: the family's config keys,
// its training task and its restored models. The graph is nets.Classifier.

func init() {
	register(&Family{Kind: "classifier", Keys: classifierKeys(), NewTask: builder(NewClassifierTask)})
}

// classifierKeys are the model.* and data.* keys of kind "classifier".
func classifierKeys() []config.Key {
	return []config.Key{
		config.StringKey("model.arch", "cnn", "mlp (fully connected) or cnn (3×3 conv + 2×2 max-pool blocks, then a dense head)").OneOf("mlp", "cnn"),
		config.IntListKey("model.hidden", []int{128}, "widths of the hidden dense layers (for cnn: the dense head before the output layer); the last is the feature space of the GAN's Fréchet distance").Range(1, 65536).Len(1, 0),
		config.IntListKey("model.channels", []int{32, 64}, "cnn only: output channels of each conv+pool block (each halves height and width)").Range(1, 65536).Len(1, 0),
		config.StringKey("model.activation", "relu", "activation of the hidden layers").OneOf("relu", "leaky_relu", "elu", "tanh", "sigmoid", "gelu"),
		config.FloatKey("model.dropout", 0, "dropout probability after each hidden dense layer (Srivastava et al. 2014); 0 = off").AtLeast(0).LessThan(1),
		config.BoolKey("model.batch_norm", false, "batch normalization before each activation (Ioffe & Szegedy 2015)"),
		valFractionKey(),
	}
}

// ClassifierTask trains a nets.Classifier on an image set with softmax
// cross-entropy and scores it on the test set: accuracy, per-class accuracy
// and the confusion matrix.
type ClassifierTask struct {
	netTask
	cfg            nets.ClassifierConfig
	trainSet, test *data.Images
	val            *data.Images     // held out of train by data.val_fraction, or nil
	model          *nets.Classifier // training graph
	eval           *nets.Classifier // evaluation graph
	evalEx         engine.Executor
	confusion      [][]int // of the last evaluation: confusion[true][predicted]
}

// ClassifierConfigFrom reads a nets.ClassifierConfig from a training config
// for images of shape c×h×w in the given number of classes.
func ClassifierConfigFrom(c *config.Config, ch, h, w, classes int) nets.ClassifierConfig {
	return nets.ClassifierConfig{
		Arch: c.String("model.arch"), C: ch, H: h, W: w, Classes: classes,
		Hidden: c.Ints("model.hidden"), Channels: c.Ints("model.channels"),
		Activation: c.String("model.activation"), Dropout: c.Float("model.dropout"),
		BatchNorm: c.Bool("model.batch_norm"),
	}
}

// NewClassifierTask loads the data named by data.path and builds the graphs.
func NewClassifierTask(c *config.Config, opt train.OptimConfig, executor string) (*ClassifierTask, error) {
	trainSet, test, err := data.OpenImages(c.String("data.path"))
	if err != nil {
		return nil, err
	}
	batch := c.Int("train.batch_size")
	trainSet, val := holdOut(trainSet, c.Float("data.val_fraction"), int64(c.Int("seed")))
	t := &ClassifierTask{trainSet: trainSet, test: test, val: val}
	t.kind, t.executor, t.device = "classifier", executor, c.String("device")
	t.cfg = ClassifierConfigFrom(c, trainSet.C, trainSet.H, trainSet.W, trainSet.Classes)
	t.store = nets.NewStore(int64(c.Int("seed")))
	if t.model, err = nets.NewClassifier(t.store, t.cfg, batch, true); err != nil {
		return nil, err
	}
	if t.eval, err = nets.NewClassifier(t.store, t.cfg, evalBatch, false); err != nil {
		return nil, err
	}
	exs, err := t.prepare(t.model.Net, t.model.Loss, opt, nil, t.eval.Net)
	if err != nil {
		return nil, err
	}
	t.evalEx = exs[0]
	return t, nil
}

// TrainSize is the number of training images.
func (t *ClassifierTask) TrainSize() int { return t.trainSet.N }

// fillClassifierBatch copies images idx and their one-hot labels into the
// graph's inputs; rows beyond len(idx) are zero with weight 0.
func fillClassifierBatch(m *nets.Classifier, im *data.Images, idx []int) {
	x := m.Net.InputData("x")
	clear(x)
	im.Gather(idx, x[:len(idx)*im.Dim()])
	target := m.Net.InputData("target")
	clear(target)
	k := m.Config.Classes
	for i, j := range idx {
		target[i*k+im.Labels[j]] = 1
	}
	w := m.Net.InputData("row_weight")
	for i := range w {
		w[i] = 0
		if i < len(idx) {
			w[i] = 1 / float32(len(idx))
		}
	}
}

// Step trains on one batch.
func (t *ClassifierTask) Step(in train.StepInput) (train.StepResult, error) {
	fillClassifierBatch(t.model, t.trainSet, in.Batch)
	return t.step(in)
}

// Evaluate scores the test set: accuracy (the fraction of images whose most
// probable class is their label) and test_loss (mean cross-entropy in nats),
// plus val_accuracy and val_loss on the held-out training images when
// data.val_fraction is set. It keeps the test confusion matrix for Artifacts.
func (t *ClassifierTask) Evaluate(ctx context.Context) (map[string]float64, error) {
	acc, loss, confusion, err := t.score(ctx, t.test)
	if err != nil {
		return nil, err
	}
	t.confusion = confusion
	res := map[string]float64{"accuracy": acc, "test_loss": loss}
	if t.val != nil {
		if res["val_accuracy"], res["val_loss"], _, err = t.score(ctx, t.val); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// score classifies the images: accuracy, mean cross-entropy in nats and the
// confusion matrix confusion[true][predicted].
func (t *ClassifierTask) score(ctx context.Context, im *data.Images) (acc, loss float64, confusion [][]int, err error) {
	k := t.cfg.Classes
	confusion = make([][]int, k)
	for i := range confusion {
		confusion[i] = make([]int, k)
	}
	correct := 0
	for start := 0; start < im.N; start += evalBatch {
		if ctx.Err() != nil {
			return 0, 0, nil, ctx.Err()
		}
		idx := seq(start, min(start+evalBatch, im.N))
		fillClassifierBatch(t.eval, im, idx)
		if err := t.evalEx.Run(); err != nil {
			return 0, 0, nil, err
		}
		rl, logits := engine.Float32s(t.eval.RowLoss), engine.Float32s(t.eval.Logits)
		for i, j := range idx {
			loss += float64(rl[i])
			pred := nets.Argmax(logits[i*k : (i+1)*k])
			confusion[im.Labels[j]][pred]++
			if pred == im.Labels[j] {
				correct++
			}
		}
	}
	n := float64(im.N)
	return float64(correct) / n, loss / n, confusion, nil
}

// PerClassAccuracy returns, from the last evaluation, the fraction of each
// class's test images classified correctly (NaN for a class with none).
func (t *ClassifierTask) PerClassAccuracy() []float64 { return perClassAccuracy(t.confusion) }

func perClassAccuracy(confusion [][]int) []float64 {
	acc := make([]float64, len(confusion))
	for c, row := range confusion {
		total := 0
		for _, v := range row {
			total += v
		}
		acc[c] = float64(row[c]) / float64(total)
	}
	return acc
}

// Artifacts writes confusion.png (row-normalized: the share of each true
// class given each prediction), confusion.csv (counts), per_class.csv (the
// accuracy of each class) and the loss curve.
func (t *ClassifierTask) Artifacts(dir *runs.Dir, epoch int) error {
	if t.confusion == nil {
		return nil
	}
	names := t.test.AllClassNames()
	norm := make([][]float64, len(t.confusion))
	for i, row := range t.confusion {
		total := 0
		for _, v := range row {
			total += v
		}
		norm[i] = make([]float64, len(row))
		for j, v := range row {
			if total > 0 {
				norm[i][j] = float64(v) / float64(total)
			}
		}
	}
	title := fmt.Sprintf("Confusion, epoch %d (row: true class, share)", epoch)
	if err := viz.Heatmap(dir.File("confusion.png"), title, names, names, norm, false); err != nil {
		return err
	}
	confusion := make([][]string, len(t.confusion))
	perClass := make([][]string, len(t.confusion))
	acc := t.PerClassAccuracy()
	for i, row := range t.confusion {
		confusion[i] = []string{names[i]}
		total := 0
		for _, v := range row {
			confusion[i] = append(confusion[i], strconv.Itoa(v))
			total += v
		}
		perClass[i] = []string{strconv.Itoa(i), names[i], strconv.FormatFloat(acc[i], 'f', 4, 64), strconv.Itoa(total)}
	}
	if err := runs.WriteCSV(dir.File("confusion.csv"), append([]string{"true\\predicted"}, names...), confusion); err != nil {
		return err
	}
	if err := runs.WriteCSV(dir.File("per_class.csv"), []string{"class", "name", "accuracy", "test_images"}, perClass); err != nil {
		return err
	}
	return train.PlotLoss(dir, "test_loss", "cross-entropy (nats)")
}

// TrainedClassifier is a classifier rebuilt from a run directory for scoring
// images: the GAN's Fréchet distance and conditioning accuracy use it.
type TrainedClassifier struct {
	Model *nets.Classifier
	exec  engine.Executor
}

// ClassifierConfig returns the configuration of a classifier run.
func (r *Run) ClassifierConfig() (nets.ClassifierConfig, error) {
	if err := r.Expect("this use", "classifier"); err != nil {
		return nets.ClassifierConfig{}, err
	}
	tr, _, err := r.Images()
	if err != nil {
		return nets.ClassifierConfig{}, err
	}
	return ClassifierConfigFrom(r.Config, tr.C, tr.H, tr.W, tr.Classes), nil
}

// Classifier rebuilds the evaluation graph of a classifier run with its
// trained weights. With randomize, the weights are not restored: the graph
// keeps a fresh initialization drawn from seed, the "model randomization"
// of Adebayo et al., "Sanity Checks for Saliency Maps" (NeurIPS 2018).
func (r *Run) Classifier(batch int, randomize bool, seed int64) (*nets.Classifier, error) {
	cfg, err := r.ClassifierConfig()
	if err != nil {
		return nil, err
	}
	if randomize {
		return nets.NewClassifier(nets.NewStore(seed), cfg, batch, false)
	}
	return restore(r, func(s *nets.Store) (*nets.Classifier, error) { return nets.NewClassifier(s, cfg, batch, false) })
}

// TrainedClassifier rebuilds a classifier run for scoring images in batches
// of the given size (Score): the GAN's Fréchet distance and conditioning
// accuracy and the augmentation study's features use it.
func (r *Run) TrainedClassifier(batch int) (*TrainedClassifier, error) {
	m, err := r.Classifier(batch, false, 0)
	if err != nil {
		return nil, err
	}
	ex, err := r.Executor(m.Net)
	if err != nil {
		return nil, err
	}
	return &TrainedClassifier{Model: m, exec: ex}, nil
}

// Score runs the classifier over images (each C·H·W values in [0, 1]) and
// returns their features (the last hidden layer) and predicted classes.
func (tc *TrainedClassifier) Score(images [][]float32) (features [][]float64, pred []int, err error) {
	m := tc.Model
	batch := m.Batch
	d := m.Config.C * m.Config.H * m.Config.W
	k := m.Config.Classes
	for start := 0; start < len(images); start += batch {
		end := min(start+batch, len(images))
		x := m.Net.InputData("x")
		clear(x)
		for i := start; i < end; i++ {
			if len(images[i]) != d {
				return nil, nil, fmt.Errorf("image %d has %d values, the classifier takes %d", i, len(images[i]), d)
			}
			copy(x[(i-start)*d:], images[i])
		}
		if err := tc.exec.Run(); err != nil {
			return nil, nil, err
		}
		f, logits := engine.Float32s(m.Features), engine.Float32s(m.Logits)
		fd := len(f) / batch
		for i := 0; i < end-start; i++ {
			row := make([]float64, fd)
			for j := range row {
				row[j] = float64(f[i*fd+j])
			}
			features = append(features, row)
			pred = append(pred, nets.Argmax(logits[i*k:(i+1)*k]))
		}
	}
	return features, pred, nil
}

// Close releases the executor.
func (tc *TrainedClassifier) Close() error { return tc.exec.Close() }
