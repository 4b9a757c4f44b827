package saliency

import (
	"fmt"

	"genxai/xai/explain"
)

// DeepLIFT attributes f(x) − f(x') to the inputs with the rescale rule
// (Shrikumar, Greenside and Kundaje, "Learning Important Features Through
// Propagating Activation Differences", 2017): the gradient is propagated
// with each nonlinearity's derivative replaced by the multiplier Δy/Δx
// between the input and the baseline x' (the derivative where |Δx| is
// tiny; for max pooling, each window's Δy over one element's Δx), and the
// attribution is (x − x') ⊙ that multiplier. Linear layers (dense,
// convolution, evaluation batch norm) keep their gradient, so the
// attributions sum to f(x) − f(x') ("summation to delta"); the result holds
// that check as IGResult.Gap. rs must be the model rebuilt with rules; each
// chunk runs the baselines (recording every nonlinearity's input and
// output), then the inputs.
func DeepLIFT(rs *ruledScorer, qs []explain.Query, baselines [][]float32) (*IGResult, error) {
	if len(baselines) != len(qs) {
		return nil, fmt.Errorf("deeplift: %d baselines for %d inputs", len(baselines), len(qs))
	}
	r, s := rs.rules, rs.scorer
	defer func() { r.mode = modePlain }()
	res := &IGResult{Attr: make([][]float32, len(qs)), FInput: make([]float64, len(qs)), FBaseline: make([]float64, len(qs)),
		Sum: make([]float64, len(qs)), Gap: make([]float64, len(qs))}
	err := chunked(len(qs), s.Batch, func(lo, hi int) error {
		ref := make([]explain.Query, 0, hi-lo)
		for i := lo; i < hi; i++ {
			q := qs[i]
			if len(baselines[i]) != len(q.X) {
				return fmt.Errorf("deeplift: baseline %d has %d values, the input %d", i, len(baselines[i]), len(q.X))
			}
			q.X = baselines[i]
			ref = append(ref, q)
		}
		r.mode = modeRecord
		rb, err := s.Eval(ref)
		if err != nil {
			return err
		}
		r.mode = modeRescale
		rx, err := s.Eval(qs[lo:hi])
		if err != nil {
			return err
		}
		for i := lo; i < hi; i++ {
			attr := make([]float32, len(qs[i].X))
			var sum float64
			for j, m := range rx.Grad[i-lo] {
				a := float64(qs[i].X[j]-baselines[i][j]) * float64(m)
				attr[j] = float32(a)
				sum += a
			}
			res.Attr[i], res.Sum[i] = attr, sum
			res.FInput[i], res.FBaseline[i] = rx.Score[i-lo], rb.Score[i-lo]
			res.Gap[i] = gap(sum, res.FInput[i]-res.FBaseline[i])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
