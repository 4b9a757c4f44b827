package compare

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/engine"
	"genxai/nets"
	"genxai/train"
	"genxai/xai/gmm"
)

// cvaeExecutor is the executor the class-conditional VAE trains and scores
// on: the plan, genxai's default (train.executor: plan), on the CPU.
const cvaeExecutor = "plan"

// cvaeEvalBatch is the batch size of the scoring graph.
const cvaeEvalBatch = 500

// CVAEOptions are the settings of the class-conditional VAE classifier.
type CVAEOptions struct {
	Hidden      []int   // encoder hidden widths; the decoder mirrors them
	Latent      int     // size of z
	Steps       int     // Adam steps, whatever the number of training rows
	Batch       int     // rows per step (capped at the training rows)
	LR          float64 // Adam's learning rate
	WeightDecay float64 // L2 added to the gradient (Adam's weight decay)
	Samples     int     // importance samples per (row, class) when scoring
	MinSigma    float64 // floor of the Gaussian likelihood's standard deviations
	Device      string  // auto, cpu or cuda ("": cpu), see train.ResolveDevice
}

// CVAEClassifier is a trained class-conditional VAE (nets.CVAE) used as a
// generative classifier through Bayes' rule, p(y|x) ∝ p(y)·p(x|y), with
// log p(x|y) replaced by the importance-weighted bound of Burda, Grosse and
// Salakhutdinov (ICLR 2016) with K samples,
//
//	L_K(x|y) = log (1/K) Σk p(x|zk,y)·p(zk)/q(zk|x,y),  zk ~ q(z|x,y),
//
// which is the ELBO for K = 1 and tightens towards log p(x|y) as K grows.
// This is how Kingma et al. (2014) score the labels of their model M2; the
// classes' priors are their training shares. Call Close when done.
type CVAEClassifier struct {
	opt      CVAEOptions
	cfg      nets.CVAEConfig
	logPrior []float64
	seed     int64
	ws       *engine.Workspace
	eval     *nets.CVAE
	ex       engine.Executor
	// FinalLoss is the mean negative ELBO of the last training step's batch.
	FinalLoss float64
}

// FitCVAE trains a class-conditional VAE on the n×d rows X with classes y in
// 0..k−1 by minimizing the negative ELBO with Adam for o.Steps steps of
// o.Batch rows (whole batches drawn through successive seeded permutations
// of the rows), on the plan executor; seed draws the initial weights, the
// batches and the reparameterization noise.
func FitCVAE(X []float64, n, d int, y []int, k int, o CVAEOptions, seed int64) (*CVAEClassifier, error) {
	if o.Steps < 1 || o.Samples < 1 || o.Batch < 1 {
		return nil, fmt.Errorf("cvae: steps %d, batch %d and samples %d must all be at least 1", o.Steps, o.Batch, o.Samples)
	}
	m := &CVAEClassifier{opt: o, seed: seed, logPrior: make([]float64, k),
		cfg: nets.CVAEConfig{D: d, Classes: k, Hidden: o.Hidden, Latent: o.Latent, Activation: "relu", MinSigma: o.MinSigma}}
	counts := make([]int, k)
	for _, c := range y {
		counts[c]++
	}
	for c, nc := range counts {
		if nc == 0 {
			return nil, fmt.Errorf("cvae: class %d has no training row", c)
		}
		m.logPrior[c] = math.Log(float64(nc) / float64(n))
	}
	store := nets.NewStore(seed)
	batch := min(o.Batch, n)
	net, err := nets.NewCVAE(store, m.cfg, batch, true)
	if err != nil {
		return nil, err
	}
	if m.eval, err = nets.NewCVAE(store, m.cfg, cvaeEvalBatch, false); err != nil {
		return nil, err
	}
	device := o.Device
	if device == "" {
		device = "cpu"
	}
	if m.ws, err = train.NewWorkspace(cvaeExecutor, device, store); err != nil {
		return nil, err
	}
	oc := train.OptimConfig{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: o.WeightDecay, GradClip: 10}
	step, err := train.Prepare(net.Net, net.Loss, nil, cvaeExecutor, oc, m.ws, 0, train.NormalInput(net.Eps))
	if err != nil {
		m.Close()
		return nil, err
	}
	defer step.Trainer.Close()
	if m.ex, err = train.NewExecutor(cvaeExecutor, m.eval.Net, nil, m.ws); err != nil {
		m.Close()
		return nil, err
	}
	rng := rand.New(rand.NewSource(seed))
	order, pos := rng.Perm(n), 0
	x, label, w := net.Net.InputData("x"), net.Net.InputData("label"), net.Net.InputData("row_weight")
	for i := range w {
		w[i] = 1 / float32(batch)
	}
	for s := 0; s < o.Steps; s++ {
		clear(label)
		for r := 0; r < batch; r++ {
			if pos == n {
				order, pos = rng.Perm(n), 0
			}
			row := order[pos]
			pos++
			for j := 0; j < d; j++ {
				x[r*d+j] = float32(X[row*d+j])
			}
			label[r*k+y[row]] = 1
		}
		loss, _, err := step.Run(train.StepInput{Seed: seed, Step: int64(s)}, o.LR, 0)
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("cvae: training step %d: %w", s, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			m.Close()
			return nil, fmt.Errorf("cvae: the loss became %v at step %d; lower cvae_lr or raise cvae_min_sigma", loss, s)
		}
		m.FinalLoss = loss
	}
	return m, nil
}

// Bounds returns, for each of the n rows of X and each class c, the
// importance-weighted bound L_K(x|c) in nats (row-major n×k). The noise is
// drawn from a source fixed by the classifier's seed, so the scores are
// reproducible.
func (m *CVAEClassifier) Bounds(X []float64, n int) ([]float64, error) {
	d, k, latent, K := m.cfg.D, m.cfg.Classes, m.cfg.Latent, m.opt.Samples
	if len(X) != n*d {
		return nil, fmt.Errorf("cvae: %d values for %d rows of %d features", len(X), n, d)
	}
	batch := m.eval.Batch
	rng := rand.New(rand.NewSource(m.seed + 104729))
	x, label, eps := m.eval.Net.InputData("x"), m.eval.Net.InputData("label"), m.eval.Net.InputData("eps")
	out := make([]float64, n*k)
	logW := make([]float64, batch*K)
	for start := 0; start < n; start += batch {
		rows := min(batch, n-start)
		clear(x)
		for i, v := range X[start*d : (start+rows)*d] {
			x[i] = float32(v)
		}
		for c := 0; c < k; c++ {
			clear(label)
			for r := 0; r < rows; r++ {
				label[r*k+c] = 1
			}
			for s := 0; s < K; s++ {
				for i := range eps {
					eps[i] = float32(rng.NormFloat64())
				}
				if err := m.ex.Run(); err != nil {
					return nil, fmt.Errorf("cvae: scoring rows %d..%d as class %d: %w", start, start+rows-1, c, err)
				}
				logPxz, logVar, z := engine.Float32s(m.eval.LogPxz), engine.Float32s(m.eval.LogVar), engine.Float32s(m.eval.Z)
				for r := 0; r < rows; r++ {
					// log p(z) − log q(z|x,y) = Σ −½z² + ½(log σ² + ε²).
					var lw float64
					for j := r * latent; j < (r+1)*latent; j++ {
						e := float64(eps[j])
						lw += 0.5 * (float64(logVar[j]) + e*e - float64(z[j])*float64(z[j]))
					}
					logW[r*K+s] = float64(logPxz[r]) + lw
				}
			}
			for r := 0; r < rows; r++ {
				out[(start+r)*k+c] = gmm.LogSumExp(logW[r*K:(r+1)*K]) - math.Log(float64(K))
			}
		}
	}
	return out, nil
}

// Predict returns the class of each of the n rows of X with the largest
// log p(y) + L_K(x|y).
func (m *CVAEClassifier) Predict(X []float64, n int) ([]int, error) {
	b, err := m.Bounds(X, n)
	if err != nil {
		return nil, err
	}
	k := m.cfg.Classes
	out := make([]int, n)
	row := make([]float64, k)
	for i := range out {
		for c := range row {
			row[c] = m.logPrior[c] + b[i*k+c]
		}
		out[i] = argmax(row)
	}
	return out, nil
}

// Close releases the scoring executor and the workspace.
func (m *CVAEClassifier) Close() {
	if m.ex != nil {
		m.ex.Close()
	}
	if m.ws != nil {
		m.ws.Close()
	}
}
