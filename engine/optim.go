package engine

import "math"

// OptimKind names an optimizer of Update.
type OptimKind uint8

// The optimizers, with train.Optimizer's arithmetic.
const (
	Adam  OptimKind = iota // Kingma and Ba (2015), L2 weight decay added to the gradient
	AdamW                  // Loshchilov and Hutter (2019), decoupled decay on parameters with Decay
	SGD                    // heavy-ball momentum v ← μv + g, w ← w − lr·v
)

// Update is one optimizer step for one parameter. Backend.Update computes,
// per element and in float32 in exactly this order (train/optim.go's), with
// g already multiplied by the clipping scale:
//
//	SGD:   g += wd·w; if μ ≠ 0 { m = μ·m + g; g = m }; w −= lr·g
//	Adam:  g += wd·w (AdamW instead: w ·= 1 − lr·wd when Decay)
//	       m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g·g
//	       w −= (lr/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + eps)
//
// where the bias corrections are computed in float64 from Step (t, counting
// this update) and rounded once, as Factors returns them.
type Update struct {
	Kind                                         OptimKind
	LR, Beta1, Beta2, Eps, Momentum, WeightDecay float64
	Step                                         int64 // t: 1 for the first update
	Decay                                        bool  // AdamW decays this parameter
}

// Factors returns the float32 constants of an Adam or AdamW step: the step
// size lr/(1−β1ᵗ), √(1−β2ᵗ) and the decoupled decay factor (1 without Decay).
func (u Update) Factors() (stepSize, sqrtBC2, decay float32) {
	t := float64(u.Step)
	bc1 := 1 - math.Pow(u.Beta1, t)
	bc2 := 1 - math.Pow(u.Beta2, t)
	decay = 1
	if u.Decay {
		decay = float32(1 - u.LR*u.WeightDecay)
	}
	return float32(u.LR / bc1), float32(math.Sqrt(bc2)), decay
}

// ClipScale returns the factor gradients are multiplied by for a global
// norm norm clipped to maxNorm (no clipping when maxNorm ≤ 0), as
// train.Optimizer computes it.
func ClipScale(norm, maxNorm float64) float32 {
	if maxNorm > 0 && norm > maxNorm {
		return float32(maxNorm / (norm + 1e-6))
	}
	return 1
}

// ClipValues is the length of the buffer Backend.ClipScale writes.
const ClipValues = 3

// EncodeClip writes scale and the float64 norm into out[0:3]: the scale,
// then the norm's bits as two float32 bit patterns (high word first), so the
// norm reaches the host exactly without a float64 buffer type.
func EncodeClip(out []float32, scale float32, norm float64) {
	nb := math.Float64bits(norm)
	out[0] = scale
	out[1] = math.Float32frombits(uint32(nb >> 32))
	out[2] = math.Float32frombits(uint32(nb))
}

// DecodeClip reads what EncodeClip wrote (a download of ClipScale's buffer).
func DecodeClip(out []float32) (scale float32, norm float64) {
	nb := uint64(math.Float32bits(out[1]))<<32 | uint64(math.Float32bits(out[2]))
	return out[0], math.Float64frombits(nb)
}

// StepSGD applies Update u of kind SGD to the elements of w in place, with
// g's gradients already to be multiplied by scale and vel the velocity: the
// arithmetic Update documents, in this order. train.Optimizer and the CPU
// backend both run it, so the two agree bit for bit.
func StepSGD(u Update, w, g, vel []float32, scale float32) {
	wd := float32(u.WeightDecay)
	mu, eta := float32(u.Momentum), float32(u.LR)
	for i := range w {
		gi := g[i]*scale + wd*w[i]
		if mu != 0 {
			vel[i] = mu*vel[i] + gi
			gi = vel[i]
		}
		w[i] -= eta * gi
	}
}

// AdamArgs are the float32 values one Adam or AdamW step computes with,
// derived from an Update once per step: what StepAdamArgs and a device
// kernel (cuda/kernels' update_adam) are given.
type AdamArgs struct {
	WD, B1, B2, Eps          float32
	StepSize, SqrtBC2, Decay float32 // Factors
	Decoupled                bool    // AdamW: decay the parameter, not the gradient
}

// AdamArgs returns u's step arguments.
func (u Update) AdamArgs() AdamArgs {
	stepSize, sqrtBC2, decay := u.Factors()
	return AdamArgs{WD: float32(u.WeightDecay), B1: float32(u.Beta1), B2: float32(u.Beta2), Eps: float32(u.Eps),
		StepSize: stepSize, SqrtBC2: sqrtBC2, Decay: decay, Decoupled: u.Kind == AdamW}
}

// StepAdam applies Update u of kind Adam or AdamW to the elements of w in
// place, with moments m and v; see StepSGD.
func StepAdam(u Update, w, g, m, v []float32, scale float32) {
	StepAdamArgs(u.AdamArgs(), w, g, m, v, scale)
}

// StepAdamArgs is StepAdam with the step's arguments already derived.
func StepAdamArgs(a AdamArgs, w, g, m, v []float32, scale float32) {
	for i := range w {
		gi := g[i] * scale
		if a.Decoupled {
			w[i] *= a.Decay
		} else if a.WD != 0 {
			gi += a.WD * w[i]
		}
		m[i] = a.B1*m[i] + (1-a.B1)*gi
		v[i] = a.B2*v[i] + (1-a.B2)*gi*gi
		denom := float32(math.Sqrt(float64(v[i])))/a.SqrtBC2 + a.Eps
		w[i] -= a.StepSize * m[i] / denom
	}
}
