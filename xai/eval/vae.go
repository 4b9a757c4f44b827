package eval

import (
	"fmt"
	"io"
	"math/rand"
	"slices"

	"genxai/data"
	"genxai/engine"
	"genxai/models"
	"genxai/nets"
)

// encodeBatch is the batch size of the VAE graph that encodes test images.
const encodeBatch = 250

// maxDecodeBatch bounds the decoder's batch whatever the memory budget: the
// graphs take at most 65,536 rows, and larger batches gain nothing.
const maxDecodeBatch = 8192

// evalVAE measures a VAE on its test images (without the classes
// data.exclude_classes left out of training, as training's test_loss):
// nll_iwae, the importance-weighted bound with o.IWAEK samples, and
// neg_elbo, both in nats per image.
func evalVAE(run *models.Run, o Options, rep *Report, log io.Writer) error {
	cfg, err := run.VAEConfig()
	if err != nil {
		return err
	}
	_, test, err := run.Images()
	if err != nil {
		return err
	}
	test = withoutClasses(test, run.ExcludedClasses())
	n := test.N
	if 0 < o.TestImages && o.TestImages < n {
		n = o.TestImages
	}
	xs := firstImages(test, n)
	mu, logVar, err := encode(run, xs)
	if err != nil {
		return err
	}
	rowBytes, err := decoderRowBytes(cfg)
	if err != nil {
		return err
	}
	batch := max(1, min(o.MemoryMB<<20/rowBytes, o.IWAEK*n, maxDecodeBatch))
	dec, err := run.VAEDecoder(batch)
	if err != nil {
		return err
	}
	dec.Net.Keep(dec.Logits, dec.Mean)
	ex, err := run.Executor(dec.Net)
	if err != nil {
		return err
	}
	defer ex.Close()
	fmt.Fprintf(log, "eval: importance-weighted bound, %d test images × %d samples, %d decodings per batch (%d MiB budget, ~%d bytes a row)\n",
		n, o.IWAEK, batch, o.MemoryMB, rowBytes)
	logLik := func(img []int, z [][]float64) ([]float64, error) {
		in := dec.Net.InputData("z")
		clear(in)
		for r, row := range z {
			for j, v := range row {
				in[r*cfg.Latent+j] = float32(v)
			}
		}
		if err := ex.Run(); err != nil {
			return nil, fmt.Errorf("running the decoder: %w", err)
		}
		out := engine.Float32s(dec.Logits)
		if cfg.Likelihood == "gaussian" {
			out = engine.Float32s(dec.Mean)
		}
		d := len(xs[0])
		ll := make([]float64, len(img))
		for r, i := range img {
			if cfg.Likelihood == "gaussian" {
				ll[r] = GaussianLogLik(xs[i], out[r*d:(r+1)*d], cfg.Sigma)
			} else {
				ll[r] = BernoulliLogLik(xs[i], out[r*d:(r+1)*d])
			}
		}
		return ll, nil
	}
	every := max(1, n/10)
	bounds, err := ImportanceWeighted(mu, logVar, logLik, IWAEOptions{K: o.IWAEK, Batch: batch, Rng: rand.New(rand.NewSource(o.Seed)),
		Progress: func(done, total int) {
			if done%every == 0 || done == total {
				fmt.Fprintf(log, "eval: %d/%d images\n", done, total)
			}
		}})
	if err != nil {
		return err
	}
	var nll, elbo float64
	for _, b := range bounds {
		nll += b.NLL / float64(n)
		elbo += b.NegELBO / float64(n)
	}
	setting := fmt.Sprintf("K=%d, %s likelihood, nats per image", o.IWAEK, cfg.Likelihood)
	rep.Metrics["nll_iwae"] = Number{Value: nll, Seed: o.Seed, Samples: n, Setting: setting}
	rep.Metrics["neg_elbo"] = Number{Value: elbo, Seed: o.Seed, Samples: n, Setting: setting + "; E_q averaged over the same K draws, KL in closed form"}
	return nil
}

// encode returns the mean and log-variance of q(z|x) for each image.
func encode(run *models.Run, xs [][]float32) (mu, logVar [][]float64, err error) {
	vae, err := run.VAE(encodeBatch)
	if err != nil {
		return nil, nil, err
	}
	vae.Net.Keep(vae.Mu, vae.LogVar)
	ex, err := run.Executor(vae.Net)
	if err != nil {
		return nil, nil, err
	}
	defer ex.Close()
	L, d := vae.Config.Latent, len(xs[0])
	for start := 0; start < len(xs); start += encodeBatch {
		end := min(start+encodeBatch, len(xs))
		x := vae.Net.InputData("x")
		clear(x)
		clear(vae.Net.InputData("eps"))
		for i := start; i < end; i++ {
			copy(x[(i-start)*d:], xs[i])
		}
		if err := ex.Run(); err != nil {
			return nil, nil, fmt.Errorf("running the encoder: %w", err)
		}
		m, lv := engine.Float32s(vae.Mu), engine.Float32s(vae.LogVar)
		for i := 0; i < end-start; i++ {
			mu = append(mu, toFloat64(m[i*L:(i+1)*L]))
			logVar = append(logVar, toFloat64(lv[i*L:(i+1)*L]))
		}
	}
	return mu, logVar, nil
}

// decoderRowBytes estimates the memory one row of a decoder batch takes:
// the values of every node of the decoder graph, from the difference between
// a graph of two rows and one of one row (parameters do not grow with the
// batch), in float32.
func decoderRowBytes(cfg nets.VAEConfig) (int, error) {
	size := func(batch int) (int, error) {
		dec, err := nets.NewVAEDecoder(nets.NewStore(0), cfg, batch)
		if err != nil {
			return 0, err
		}
		total := 0
		for _, node := range dec.Net.G.AllNodes() {
			total += node.Shape().TotalSize()
		}
		return total, nil
	}
	one, err := size(1)
	if err != nil {
		return 0, err
	}
	two, err := size(2)
	if err != nil {
		return 0, err
	}
	return max(1, 4*(two-one)), nil
}

// withoutClasses returns the images of im whose label is not in ex.
func withoutClasses(im *data.Images, ex []int) *data.Images {
	if len(ex) == 0 {
		return im
	}
	var keep []int
	for i, l := range im.Labels {
		if !slices.Contains(ex, l) {
			keep = append(keep, i)
		}
	}
	return im.Subset(keep)
}

func toFloat64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
