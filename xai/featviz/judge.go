package featviz

import (
	"math"
	"slices"

	"genxai/data"
	"genxai/models"
	"genxai/xai/latent"
)

// judgeDraws is the number of latent draws each ELBO estimate averages.
const judgeDraws = 8

// judge scores pictures by a VAE's evidence lower bound (Kingma and
// Welling, 2014), in nats per picture: how likely the VAE finds them, the
// measure of how data-like a visualization is.
type judge struct {
	m    *latent.Model
	seed int64
}

func newJudge(run *models.Run, executor string, seed int64) (*judge, error) {
	m, err := latent.Load(run, executor)
	if err != nil {
		return nil, err
	}
	return &judge{m: m, seed: seed}, nil
}

// elbo is each picture's ELBO, −(reconstruction + KL), averaged over
// judgeDraws draws of z ~ q(z|x) from a source fixed by the seed.
func (j *judge) elbo(xs [][]float32) ([]float64, error) {
	out := make([]float64, len(xs))
	for d := range judgeDraws {
		s, err := j.m.Score(xs, 1, j.seed+int64(d))
		if err != nil {
			return nil, err
		}
		for i, v := range s {
			out[i] -= v / judgeDraws
		}
	}
	return out, nil
}

func (j *judge) Close() error { return j.m.Close() }

// elboRange summarizes the ELBOs of the real test images of one class.
type elboRange struct {
	Min, P5, Median, P95, Max float64
	N                         int
}

// classRanges is the ELBO range of each class's test images.
func (j *judge) classRanges(test *data.Images, classes int) ([]elboRange, error) {
	xs := make([][]float32, test.N)
	for i := range xs {
		xs[i] = test.Image(i)
	}
	e, err := j.elbo(xs)
	if err != nil {
		return nil, err
	}
	by := make([][]float64, classes)
	for i, v := range e {
		if l := test.Labels[i]; l >= 0 && l < classes {
			by[l] = append(by[l], v)
		}
	}
	out := make([]elboRange, classes)
	for k, v := range by {
		if len(v) == 0 {
			out[k] = elboRange{Min: math.NaN(), P5: math.NaN(), Median: math.NaN(), P95: math.NaN(), Max: math.NaN()}
			continue
		}
		slices.Sort(v)
		out[k] = elboRange{Min: v[0], P5: quantile(v, 0.05), Median: quantile(v, 0.5), P95: quantile(v, 0.95), Max: v[len(v)-1], N: len(v)}
	}
	return out, nil
}

// quantile is the q-quantile of sorted v, interpolating linearly between
// order statistics (numpy's default).
func quantile(v []float64, q float64) float64 {
	p := q * float64(len(v)-1)
	lo := int(math.Floor(p))
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (p-float64(lo))*(v[lo+1]-v[lo])
}
