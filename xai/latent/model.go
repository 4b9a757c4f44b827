// Package latent draws what a trained variational autoencoder (Kingma and
// Welling, 2014) has learned about its latent space: traversals that vary one
// latent dimension at a time, interpolations between the codes of two inputs,
// and anomaly maps, the per-pixel reconstruction error, with an anomaly score
// per image and the ROC-AUC of that score when the run left classes out of
// training (data.exclude_classes).
package latent

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/data"
	"genxai/engine"
	"genxai/models"
	"genxai/nets"
	"genxai/xai/explain"

	G "gorgonia.org/gorgonia"
)

// batch is the number of rows of the graphs the package builds.
const batch = 250

// Model is a trained VAE rebuilt for encoding, decoding and scoring.
type Model struct {
	Config nets.VAEConfig
	vae    *nets.VAE
	dec    *nets.VAEDecoder
	vaeEx  engine.Executor
	decEx  engine.Executor
}

// Load rebuilds the VAE of run with the executor called executor.
func Load(run *models.Run, executor string) (*Model, error) {
	run.UseExecutor(executor)
	vae, err := run.VAE(batch)
	if err != nil {
		return nil, err
	}
	dec, err := run.VAEDecoder(batch)
	if err != nil {
		return nil, err
	}
	m := &Model{Config: vae.Config, vae: vae, dec: dec}
	// Read after each run: μ, log σ², the reconstruction and KL terms, and the decoder's mean.
	vae.Net.Keep(vae.Mu, vae.LogVar, vae.Recon, vae.KL)
	dec.Net.Keep(dec.Mean)
	if m.vaeEx, err = run.Executor(vae.Net); err != nil {
		return nil, err
	}
	if m.decEx, err = run.Executor(dec.Net); err != nil {
		m.vaeEx.Close()
		return nil, err
	}
	return m, nil
}

// Executor names the executor.
func (m *Model) Executor() string { return m.vaeEx.Name() }

// Close releases the executors.
func (m *Model) Close() error {
	m.vaeEx.Close()
	return m.decEx.Close()
}

// pass is the per-row output of one run of the VAE graph.
type pass struct {
	mu, logVar, eps [][]float32
	recon, kl       []float64
}

// run feeds images xs with noise from rng (zero noise when rng is nil) and
// collects the encoder's outputs and the loss terms of each row.
func (m *Model) run(xs [][]float32, rng *rand.Rand) (*pass, error) {
	d := m.Config.C * m.Config.H * m.Config.W
	L := m.Config.Latent
	p := &pass{}
	for start := 0; start < len(xs); start += batch {
		end := min(start+batch, len(xs))
		x := m.vae.Net.InputData("x")
		eps := m.vae.Net.InputData("eps")
		clear(x)
		clear(eps)
		for i := start; i < end; i++ {
			if len(xs[i]) != d {
				return nil, fmt.Errorf("image %d has %d values, the VAE takes %d", i, len(xs[i]), d)
			}
			copy(x[(i-start)*d:], xs[i])
		}
		if rng != nil {
			for i := range eps[:(end-start)*L] {
				eps[i] = float32(rng.NormFloat64())
			}
		}
		if err := m.vaeEx.Run(); err != nil {
			return nil, fmt.Errorf("running the VAE: %w", err)
		}
		var vals [4][]float32
		for k, n := range []*G.Node{m.vae.Mu, m.vae.LogVar, m.vae.Recon, m.vae.KL} {
			var err error
			if vals[k], err = explain.Values(n); err != nil {
				return nil, err
			}
		}
		mu, lv, rc, kl := vals[0], vals[1], vals[2], vals[3]
		for i := 0; i < end-start; i++ {
			p.mu = append(p.mu, append([]float32(nil), mu[i*L:(i+1)*L]...))
			p.logVar = append(p.logVar, append([]float32(nil), lv[i*L:(i+1)*L]...))
			p.eps = append(p.eps, append([]float32(nil), eps[i*L:(i+1)*L]...))
			p.recon = append(p.recon, float64(rc[i]))
			p.kl = append(p.kl, float64(kl[i]))
		}
	}
	return p, nil
}

// Encode returns the mean and log-variance of q(z|x) for each image.
func (m *Model) Encode(xs [][]float32) (mu, logVar [][]float32, err error) {
	p, err := m.run(xs, nil)
	if err != nil {
		return nil, nil, err
	}
	return p.mu, p.logVar, nil
}

// Decode maps latent codes to images in [0,1] (the decoder's mean).
func (m *Model) Decode(z [][]float32) ([][]float32, error) {
	for i, row := range z {
		if len(row) != m.Config.Latent {
			return nil, fmt.Errorf("latent code %d has %d values, the VAE's code has %d", i, len(row), m.Config.Latent)
		}
	}
	d := m.Config.C * m.Config.H * m.Config.W
	L := m.Config.Latent
	var out [][]float32
	for start := 0; start < len(z); start += batch {
		end := min(start+batch, len(z))
		in := m.dec.Net.InputData("z")
		clear(in)
		for i := start; i < end; i++ {
			copy(in[(i-start)*L:], z[i])
		}
		if err := m.decEx.Run(); err != nil {
			return nil, fmt.Errorf("running the decoder: %w", err)
		}
		mean, err := explain.Values(m.dec.Mean)
		if err != nil {
			return nil, err
		}
		for i := 0; i < end-start; i++ {
			out = append(out, append([]float32(nil), mean[i*d:(i+1)*d]...))
		}
	}
	return out, nil
}

// Reconstruct decodes the posterior mean of each image.
func (m *Model) Reconstruct(xs [][]float32) ([][]float32, error) {
	mu, _, err := m.Encode(xs)
	if err != nil {
		return nil, err
	}
	return m.Decode(mu)
}

// Score returns the anomaly score of each image: an estimate of −log p(x) in
// nats. With samples = 1 it is the negative ELBO, −E_q[log p(x|z)] +
// KL(q(z|x) ‖ N(0, I)), with the expectation estimated from one draw of z and
// the KL term in closed form (with weight 1 whatever model.beta was). With
// samples = K > 1 it is the importance-weighted estimate of Burda, Grosse
// and Salakhutdinov ("Importance Weighted Autoencoders", 2016):
//
//	−log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x),   z_k ~ q(z|x),
//
// a tighter bound that approaches −log p(x) as K grows. The draws come from
// a source seeded with seed, so scores are reproducible.
func (m *Model) Score(xs [][]float32, samples int, seed int64) ([]float64, error) {
	if samples < 1 {
		return nil, fmt.Errorf("--samples must be at least 1, got %d", samples)
	}
	rng := rand.New(rand.NewSource(seed))
	if samples == 1 {
		p, err := m.run(xs, rng)
		if err != nil {
			return nil, err
		}
		s := make([]float64, len(xs))
		for i := range s {
			s[i] = p.recon[i] + p.kl[i]
		}
		return s, nil
	}
	logW := make([][]float64, len(xs))
	half := 0.5 * math.Log(2*math.Pi)
	for k := 0; k < samples; k++ {
		p, err := m.run(xs, rng)
		if err != nil {
			return nil, err
		}
		for i := range xs {
			// log p(z) − log q(z|x) with z = μ + σ·ε:
			// Σ_d [−½ z² − ½ log 2π] − Σ_d [−½ ε² − ½ log σ² − ½ log 2π].
			var lw float64
			for d := range p.mu[i] {
				e := float64(p.eps[i][d])
				lv := float64(p.logVar[i][d])
				z := float64(p.mu[i][d]) + math.Exp(0.5*lv)*e
				lw += -0.5*z*z - half + 0.5*e*e + 0.5*lv + half
			}
			logW[i] = append(logW[i], lw-p.recon[i])
		}
	}
	s := make([]float64, len(xs))
	for i, lw := range logW {
		s[i] = -(logSumExp(lw) - math.Log(float64(samples)))
	}
	return s, nil
}

// logSumExp is log Σ exp(v), computed stably.
func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// vaeRun is what every latent method starts from: the parsed --input
// references, the VAE run, its images and the rebuilt model.
type vaeRun struct {
	inputs         []explain.Input
	run            *models.Run
	trainSet, test *data.Images
	model          *Model
}

// openVAE parses the inputs, opens runDir, checks that it holds a VAE (the
// message names command) and rebuilds the model. Close the model when done.
func openVAE(command, runDir, inputs, executor string) (*vaeRun, error) {
	in, err := explain.ParseInputs(inputs)
	if err != nil {
		return nil, err
	}
	run, trainSet, testSet, err := explain.OpenImages(runDir, command, "vae")
	if err != nil {
		return nil, err
	}
	m, err := Load(run, executor)
	if err != nil {
		return nil, err
	}
	return &vaeRun{inputs: in, run: run, trainSet: trainSet, test: testSet, model: m}, nil
}
