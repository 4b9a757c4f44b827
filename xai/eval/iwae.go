package eval

import (
	"fmt"
	"math"
	"math/rand"
)

// LogLik returns log p(x_img[r] | z[r]) for each row r: the decoder's
// log-likelihood of image img[r] given the latent code z[r]. The estimator
// calls it with at most its batch of rows at a time.
type LogLik func(img []int, z [][]float64) ([]float64, error)

// Bound is the estimate for one image, in nats.
type Bound struct {
	// NLL is the importance-weighted bound on −log p(x): −log (1/K) Σₖ wₖ.
	NLL float64
	// NegELBO is −E_q[log p(x|z)] + KL(q(z|x) ‖ N(0, I)), the expectation
	// averaged over the same K draws and the KL term in closed form.
	NegELBO float64
}

// IWAEOptions size the importance-weighted estimate.
type IWAEOptions struct {
	K        int                   // importance samples per image (Burda et al. use 5,000)
	Batch    int                   // rows per LogLik call: the memory budget
	Rng      *rand.Rand            // the draws ε ~ N(0, I)
	Progress func(done, total int) // called after each image when non-nil
}

// ImportanceWeighted estimates, for each image with encoder output
// q(z|x) = N(mu, diag exp(logVar)), the importance-weighted bound of Burda,
// Grosse and Salakhutdinov, "Importance Weighted Autoencoders" (ICLR 2016):
//
//	log p(x) ≥ L_K = E[log (1/K) Σₖ p(x|zₖ) p(zₖ) / q(zₖ|x)],   zₖ ~ q(z|x),
//
// tighter as K grows (L_1 is the ELBO, L_K → log p(x)). The K draws of an
// image go through logLik o.Batch rows at a time (rows of several images
// share a call when K < Batch), and the log-mean-exp is accumulated as a
// running maximum and sum, so memory does not grow with K.
func ImportanceWeighted(mu, logVar [][]float64, logLik LogLik, o IWAEOptions) ([]Bound, error) {
	if o.K < 1 || o.Batch < 1 {
		return nil, fmt.Errorf("importance-weighted bound: K = %d samples and a batch of %d rows: both must be at least 1", o.K, o.Batch)
	}
	n := len(mu)
	acc := make([]lmeAcc, n)
	sumLL := make([]float64, n)
	var img []int
	var zs [][]float64
	var logPrior []float64 // log p(z) − log q(z|x) of each pending row
	flush := func() error {
		if len(img) == 0 {
			return nil
		}
		ll, err := logLik(img, zs)
		if err != nil {
			return err
		}
		if len(ll) != len(img) {
			return fmt.Errorf("importance-weighted bound: the likelihood returned %d values for %d codes", len(ll), len(img))
		}
		for r, i := range img {
			acc[i].add(ll[r] + logPrior[r])
			sumLL[i] += ll[r]
		}
		img, zs, logPrior = img[:0], zs[:0], logPrior[:0]
		return nil
	}
	for i := 0; i < n; i++ {
		for k := 0; k < o.K; k++ {
			z := make([]float64, len(mu[i]))
			var lw float64
			for d := range z {
				e := o.Rng.NormFloat64()
				z[d] = mu[i][d] + math.Exp(0.5*logVar[i][d])*e
				// log N(z; 0, 1) − log N(z; μ, σ²) = −½z² + ½ε² + ½ log σ².
				lw += -0.5*z[d]*z[d] + 0.5*e*e + 0.5*logVar[i][d]
			}
			img, zs, logPrior = append(img, i), append(zs, z), append(logPrior, lw)
			if len(img) == o.Batch {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
		if o.Progress != nil {
			o.Progress(i+1, n)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	out := make([]Bound, n)
	for i := range out {
		var kl float64
		for d := range mu[i] {
			kl += 0.5 * (mu[i][d]*mu[i][d] + math.Exp(logVar[i][d]) - logVar[i][d] - 1)
		}
		out[i] = Bound{NLL: -(acc[i].value() - math.Log(float64(o.K))), NegELBO: -sumLL[i]/float64(o.K) + kl}
	}
	return out, nil
}

// lmeAcc accumulates log Σ exp(vᵢ) one value at a time with a running
// maximum, never overflowing.
type lmeAcc struct {
	max, sum float64 // Σ exp(vᵢ − max)
	n        int
}

func (a *lmeAcc) add(v float64) {
	switch {
	case a.n == 0 || v > a.max:
		if a.n > 0 {
			a.sum = a.sum*math.Exp(a.max-v) + 1
		} else {
			a.sum = 1
		}
		a.max = v
	default:
		a.sum += math.Exp(v - a.max)
	}
	a.n++
}

func (a *lmeAcc) value() float64 { return a.max + math.Log(a.sum) }

// BernoulliLogLik is log p(x|z) of the Bernoulli decoder with logits l,
// Σ xᵢ lᵢ − softplus(lᵢ), the negative of the binary cross-entropy the VAE
// trains on (nets.VAE's Recon; for grey values in [0, 1] the same
// expression, as there).
func BernoulliLogLik[T float32 | float64](x, logits []T) float64 {
	var s float64
	for i, l := range logits {
		lf := float64(l)
		sp := math.Max(lf, 0) + math.Log1p(math.Exp(-math.Abs(lf)))
		s += float64(x[i])*lf - sp
	}
	return s
}

// GaussianLogLik is log N(x; mean, σ²I) = −‖x − mean‖²/(2σ²) − d·log(σ√(2π)),
// the Gaussian decoder's log-likelihood (nets.VAE's Recon negated).
func GaussianLogLik[T float32 | float64](x, mean []T, sigma float64) float64 {
	var sq float64
	for i := range x {
		d := float64(x[i]) - float64(mean[i])
		sq += d * d
	}
	return -sq/(2*sigma*sigma) - float64(len(x))*math.Log(sigma*math.Sqrt(2*math.Pi))
}
