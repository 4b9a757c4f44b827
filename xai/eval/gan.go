package eval

import (
	"fmt"
	"io"
	"math/rand"

	"genxai/data"
	"genxai/models"
)

// judgeBatch is the batch size of the judge classifier's graph.
const judgeBatch = 500

// evalGAN measures a GAN's samples in the feature space of its judge:
// fid, kid and kid_std, precision, recall, density, coverage and, for a
// conditional GAN, cas (with cas_real, the same probe trained on real
// images, as its ceiling).
func evalGAN(run *models.Run, o Options, rep *Report, log io.Writer) error {
	judgeDir := o.Judge
	if judgeDir == "" {
		judgeDir = run.Config.String("metrics.classifier_run")
	}
	if judgeDir == "" {
		rep.skip(log, "fid, kid, precision, recall, density, coverage, cas: no judge classifier; pass --judge RUN (a classifier run trained on the same data, e.g. configs/cnn-fashion.yaml) or set metrics.classifier_run in the GAN's config")
		return nil
	}
	jr, err := models.Open(judgeDir)
	if err == nil {
		err = jr.Expect("--judge", "classifier")
	}
	if err != nil {
		return fmt.Errorf("the judge: %w", err)
	}
	jr.UseExecutor(o.Executor)
	judge, err := jr.TrainedClassifier(judgeBatch)
	if err != nil {
		return fmt.Errorf("the judge %s: %w", judgeDir, err)
	}
	defer judge.Close()
	g, cfg, _, err := run.GANGenerator(judgeBatch)
	if err != nil {
		return err
	}
	trainSet, test, err := run.Images()
	if err != nil {
		return err
	}
	if jc := judge.Model.Config; jc.C != cfg.C || jc.H != cfg.H || jc.W != cfg.W || jc.Classes != trainSet.Classes {
		return fmt.Errorf("the judge %s takes %d×%d×%d images in %d classes, the GAN's data is %d×%d×%d in %d classes: pass a classifier trained on the GAN's data (%s)",
			judgeDir, jc.C, jc.H, jc.W, jc.Classes, cfg.C, cfg.H, cfg.W, trainSet.Classes, run.Config.String("data.path"))
	}
	ex, err := run.Executor(g.Net)
	if err != nil {
		return err
	}
	defer ex.Close()

	// As many generated as real images: the k-NN radii of precision, recall,
	// density and coverage depend on the number of samples, and the papers
	// compare sets of one size.
	n := min(o.Samples, test.N)
	if n < o.Samples {
		fmt.Fprintf(log, "eval: %d samples on each side (the test set has %d images; samples asked %d)\n", n, test.N, o.Samples)
	}
	classes := make([]int, n)
	if cfg.Conditional() {
		for i := range classes {
			classes[i] = i % cfg.Classes
		}
	}
	fmt.Fprintf(log, "eval: generating %d images and scoring them with the judge %s\n", n, judgeDir)
	imgs, err := models.GenerateGAN(g, ex, cfg, classes, rand.New(rand.NewSource(o.Seed)))
	if err != nil {
		return err
	}
	fake, _, err := judge.Score(imgs)
	if err != nil {
		return err
	}
	real, realLabels, err := features(judge, test, n)
	if err != nil {
		return err
	}
	id := &Judge{Run: jr.Dir, SHA256: jr.Meta.TensorsSHA256}
	put := func(key string, v float64, setting string) {
		rep.Metrics[key] = Number{Value: v, Seed: o.Seed, Samples: len(fake), RealSamples: n, Judge: id, Setting: setting}
	}

	fid, err := FrechetDistance(real, fake)
	if err != nil {
		return err
	}
	put("fid", fid, "")
	size := max(2, min(o.KIDSubsetSize, len(real), len(fake)))
	fmt.Fprintf(log, "eval: KID over %d subsets of %d\n", o.KIDSubsets, size)
	kid, kidStd, err := KID(real, fake, o.KIDSubsets, size, rand.New(rand.NewSource(o.Seed+1)))
	if err != nil {
		return err
	}
	setting := fmt.Sprintf("%d subsets of %d", o.KIDSubsets, size)
	put("kid", kid, setting)
	put("kid_std", kidStd, setting)
	fmt.Fprintf(log, "eval: precision, recall (k=%d), density, coverage (k=%d)\n", o.KPR, o.KDC)
	m, err := ManifoldMetrics(real, fake, o.KPR, o.KDC)
	if err != nil {
		return err
	}
	put("precision", m.Precision, fmt.Sprintf("k=%d", o.KPR))
	put("recall", m.Recall, fmt.Sprintf("k=%d", o.KPR))
	put("density", m.Density, fmt.Sprintf("k=%d", o.KDC))
	put("coverage", m.Coverage, fmt.Sprintf("k=%d", o.KDC))

	if !cfg.Conditional() {
		rep.skip(log, "cas: the GAN is not conditional (model.conditional is false), so its images carry no labels to train on")
		return nil
	}
	fmt.Fprintln(log, "eval: classification accuracy score (softmax probe on the judge's features)")
	cas, err := ClassificationAccuracyScore(fake, classes, real, realLabels, cfg.Classes)
	if err != nil {
		return err
	}
	put("cas", cas, "softmax probe on judge features, trained on generated, tested on real test images")
	trainF, trainLabels, err := features(judge, trainSet, min(n, trainSet.N))
	if err != nil {
		return err
	}
	ceiling, err := ClassificationAccuracyScore(trainF, trainLabels, real, realLabels, cfg.Classes)
	if err != nil {
		return err
	}
	rep.Metrics["cas_real"] = Number{Value: ceiling, Seed: o.Seed, Samples: len(trainF), RealSamples: n, Judge: id,
		Setting: "the same probe trained on real training images: the ceiling of cas"}
	return nil
}

// features returns the judge's features and the labels of the first n
// images of im.
func features(judge *models.TrainedClassifier, im *data.Images, n int) ([][]float64, []int, error) {
	f, _, err := judge.Score(firstImages(im, n))
	return f, im.Labels[:n], err
}

// firstImages returns the first n images of im.
func firstImages(im *data.Images, n int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = im.Image(i)
	}
	return out
}
