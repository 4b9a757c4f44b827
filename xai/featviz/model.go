package featviz

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"genxai/models"
	"genxai/nets"
	"genxai/train"
	"genxai/xai/explain"
	"genxai/xai/saliency"
)

// classifier is a classifier run rebuilt for feature visualization: one
// Scorer whose outputs are the logits, the log-probabilities and the last
// hidden layer's features side by side, so a class logit, a class
// log-probability and a unit are each a one-hot output weight; and hooks on
// the hidden layers that channel and neuron targets name, which add the
// target's gradient where the layer's activation is (nets.Override).
type classifier struct {
	s        *explain.Scorer
	classes  int
	features int
	hooks    map[string]*hook
}

// hook is the backward pass of one hidden layer's activation: it keeps the
// activation y of the last run and adds inject, the gradient of the
// targets with respect to y, to the gradient arriving from above.
type hook struct {
	kind    string // the activation (nets.Activate)
	shape   []int  // (batch, C, H, W), or (batch, C) for a dense layer
	act     []float32
	inject  []float32
	c, h, w int
}

func (h *hook) backward(x, y, dy, dx []float32) {
	h.act = append(h.act[:0], y...)
	for j := range dx {
		dx[j] = (dy[j] + h.inject[j]) * float32(saliency.Derivative(h.kind, float64(x[j]), float64(y[j])))
	}
}

// newClassifier rebuilds the classifier of run for batch rows, with hooks
// on the layers the targets name, and checks the targets against the
// model's shape.
func newClassifier(run *models.Run, batch int, targets []Target) (*classifier, error) {
	cfg, err := run.ClassifierConfig()
	if err != nil {
		return nil, err
	}
	var want []string
	for _, t := range targets {
		if t.Layer != "" && !slices.Contains(want, t.Layer) {
			want = append(want, t.Layer)
		}
	}
	c := &classifier{classes: cfg.Classes, hooks: map[string]*hook{}}
	var seen []string
	st := nets.NewStore(run.Seed())
	st.Override = func(layer, kind string, x, y []int) nets.Backward {
		name := strings.TrimSuffix(layer, ".bn")
		if strings.HasPrefix(kind, "maxpool") || c.hooks[name] != nil {
			return nil
		}
		seen = append(seen, name)
		if !slices.Contains(want, name) {
			return nil
		}
		h := &hook{kind: kind, shape: y, c: y[1], h: 1, w: 1}
		if len(y) == 4 {
			h.h, h.w = y[2], y[3]
		}
		h.inject = make([]float32, batch*h.c*h.h*h.w)
		c.hooks[name] = h
		return h.backward
	}
	m, err := nets.NewClassifier(st, cfg, batch, false)
	if err != nil {
		return nil, err
	}
	if err := train.RestoreStore(st, run.Tensors, run.Dir); err != nil {
		return nil, err
	}
	for _, t := range targets {
		if t.Layer == "" {
			continue
		}
		h := c.hooks[t.Layer]
		if h == nil {
			return nil, fmt.Errorf("--objective %s: the classifier has no hidden layer %q (its layers: %s)", t, t.Layer, strings.Join(seen, ", "))
		}
		if t.Index >= h.c || t.Y >= h.h || t.X >= h.w {
			return nil, fmt.Errorf("--objective %s: layer %s has %d channels on a %d×%d grid", t, t.Layer, h.c, h.h, h.w)
		}
	}
	c.features = m.Features.Shape()[1]
	n := m.Net
	n.Layer("featviz.outputs")
	out := n.Concat(1, m.Logits, n.LogSoftMax(m.Logits, 1), m.Features)
	if c.s, err = explain.NewScorer(n, m.X, out, run.Executor); err != nil {
		return nil, err
	}
	return c, nil
}

// Close releases the executor.
func (c *classifier) Close() error { return c.s.Close() }

// pass is the classifier's answer for a set of pictures.
type pass struct {
	out    [][]float32 // logits, log-probabilities and features of each row
	values [][]float64 // per row, the value of each target read
	grad   [][]float32 // per row, ∂(its target + extra)/∂picture
}

// eval runs the classifier on xs. Row i ascends own[i] (nil: nothing), plus
// the output weights extra[i] on the features when extra is given (the
// diversity term); values holds every row's value of each of read.
func (c *classifier) eval(xs [][]float32, own []Target, extra [][]float32, read []Target) (*pass, error) {
	p := &pass{}
	k, o := c.classes, c.s.Outputs
	for lo := 0; lo < len(xs); lo += c.s.Batch {
		hi := min(lo+c.s.Batch, len(xs))
		for _, h := range c.hooks {
			clear(h.inject)
		}
		qs := make([]explain.Query, hi-lo)
		for i := lo; i < hi; i++ {
			w := make([]float32, o)
			if extra != nil {
				copy(w[2*k:], extra[i])
			}
			if own != nil {
				c.weight(own[i], i-lo, w)
			}
			qs[i-lo] = explain.Query{X: xs[i], Weights: w}
		}
		r, err := c.s.Eval(qs)
		if err != nil {
			return nil, err
		}
		for i := range qs {
			p.out = append(p.out, r.Outputs[i])
			p.grad = append(p.grad, r.Grad[i])
			v := make([]float64, len(read))
			for j, t := range read {
				v[j] = c.value(t, i, r.Outputs[i])
			}
			p.values = append(p.values, v)
		}
	}
	return p, nil
}

// weight sets the output weights w (or the hook's injected gradient, for a
// hidden layer) of target t in batch slot.
func (c *classifier) weight(t Target, slot int, w []float32) {
	switch t.Kind {
	case "class":
		w[t.Index] += 1
	case "prob":
		w[c.classes+t.Index] += 1
	case "unit":
		w[2*c.classes+t.Index] += 1
	case "channel", "neuron":
		h := c.hooks[t.Layer]
		per := h.c * h.h * h.w
		in := h.inject[slot*per : (slot+1)*per]
		if t.Kind == "neuron" {
			in[(t.Index*h.h+t.Y)*h.w+t.X] = 1
			return
		}
		for j := range h.h * h.w {
			in[t.Index*h.h*h.w+j] = 1 / float32(h.h*h.w)
		}
	}
}

// value is target t of the row in batch slot with outputs out.
func (c *classifier) value(t Target, slot int, out []float32) float64 {
	switch t.Kind {
	case "class":
		return float64(out[t.Index])
	case "prob":
		return float64(out[c.classes+t.Index])
	case "unit":
		return float64(out[2*c.classes+t.Index])
	}
	h := c.hooks[t.Layer]
	per := h.c * h.h * h.w
	a := h.act[slot*per : (slot+1)*per]
	if t.Kind == "neuron" {
		return float64(a[(t.Index*h.h+t.Y)*h.w+t.X])
	}
	var s float64
	for _, v := range a[t.Index*h.h*h.w : (t.Index+1)*h.h*h.w] {
		s += float64(v)
	}
	return s / float64(h.h*h.w)
}

// prob is the class probabilities of outputs out (the exponentiated
// log-softmax).
func (c *classifier) prob(out []float32) []float64 {
	p := make([]float64, c.classes)
	for j := range p {
		p[j] = math.Exp(float64(out[c.classes+j]))
	}
	return p
}

// feat is the features part of outputs out.
func (c *classifier) feat(out []float32) []float32 { return out[2*c.classes:] }
