package saliency

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"genxai/nets"
)

// mode is the backward pass rules give a model's nonlinearities.
type mode int

const (
	// modePlain is each nonlinearity's own derivative; the stage chosen
	// for capture keeps a copy of its output and of the gradient reaching
	// it (Grad-CAM).
	modePlain mode = iota
	// modeRecord is modePlain that also keeps every stage's input and
	// output: the reference pass of DeepLIFT on the baselines.
	modeRecord
	// modeRescale is DeepLIFT's rescale rule against the recorded
	// reference.
	modeRescale
	// modeGuided is guided backpropagation: a ReLU passes only positive
	// gradients where its input is positive.
	modeGuided
)

// rescaleEps is the |Δx| below which the rescale rule's Δy/Δx falls back to
// the derivative (the two agree in the limit; the term m·Δx is then
// negligible either way).
const rescaleEps = 1e-6

// rules are the backward passes that DeepLIFT, guided backpropagation and
// Grad-CAM give a model's nonlinearities, through the Store's Override
// (nets/override.go): one stage per activation and max pooling, in the
// order the model builds them. The forward pass is untouched.
type rules struct {
	mode    mode
	stages  []*stage
	capture *stage // the stage whose output and gradient are kept, or nil
}

// stage is one nonlinearity of the model.
type stage struct {
	layer, kind string // the layer it follows ("conv1"), and "relu", …, "maxpool2"
	x, y        []int  // shapes of its input and output
	pool        int    // window of a max pooling, 0 for an activation
	refX, refY  []float32
	act, grad   []float32 // captured output and its gradient
}

// override is the nets.Override that registers each stage.
func (r *rules) override(layer, kind string, x, y []int) nets.Backward {
	st := &stage{layer: strings.TrimSuffix(layer, ".bn"), kind: kind, x: x, y: y}
	if k, ok := strings.CutPrefix(kind, "maxpool"); ok {
		st.pool, _ = strconv.Atoi(k)
	}
	r.stages = append(r.stages, st)
	return func(x, y, dy, dx []float32) { r.backward(st, x, y, dy, dx) }
}

// convLayers names the stages Grad-CAM can read: the activations of
// convolutional layers (4-D outputs).
func (r *rules) convLayers() []string {
	var names []string
	for _, st := range r.stages {
		if st.pool == 0 && len(st.y) == 4 {
			names = append(names, st.layer)
		}
	}
	return names
}

// convStage returns the activation of the convolutional layer called name
// ("" for the last one).
func (r *rules) convStage(name string) (*stage, error) {
	names := r.convLayers()
	if len(names) == 0 {
		return nil, fmt.Errorf("grad-cam: the model has no convolutional layer (it needs a cnn classifier or a conv VAE)")
	}
	if name == "" {
		name = names[len(names)-1]
	}
	for _, st := range r.stages {
		if st.pool == 0 && len(st.y) == 4 && st.layer == name {
			return st, nil
		}
	}
	return nil, fmt.Errorf("--layer %q is not a convolutional layer of the model (allowed: %s)", name, strings.Join(names, ", "))
}

// backward computes the gradient at the stage's input under the current mode.
func (r *rules) backward(st *stage, x, y, dy, dx []float32) {
	switch r.mode {
	case modeRecord:
		st.refX = append(st.refX[:0], x...)
		st.refY = append(st.refY[:0], y...)
	case modeRescale:
		if len(st.refX) == len(x) {
			st.rescale(x, y, dy, dx)
			return
		}
	}
	if st == r.capture {
		st.act = append(st.act[:0], y...)
		st.grad = append(st.grad[:0], dy...)
	}
	if st.pool > 0 {
		st.poolRoute(x, y, dy, dx, nil)
		return
	}
	guided := r.mode == modeGuided
	for j := range dx {
		g := dy[j]
		if guided && g < 0 {
			g = 0
		}
		dx[j] = g * float32(Derivative(st.kind, float64(x[j]), float64(y[j])))
	}
}

// Derivative is f'(x) of the activation kind (nets.Activate) with y = f(x):
// the plain backward pass of a nonlinearity, for Overrides that change or
// add to the gradient crossing it (here and in xai/featviz).
func Derivative(kind string, x, y float64) float64 {
	switch kind {
	case "relu":
		if x > 0 {
			return 1
		}
		return 0
	case "leaky_relu":
		if x > 0 {
			return 1
		}
		return 0.2
	case "elu":
		if x > 0 {
			return 1
		}
		return y + 1
	case "tanh":
		return 1 - y*y
	case "sigmoid":
		return y * (1 - y)
	case "gelu":
		c := math.Sqrt(2 / math.Pi)
		t := math.Tanh(c * (x + 0.044715*x*x*x))
		return 0.5*(1+t) + 0.5*x*(1-t*t)*c*(1+3*0.044715*x*x)
	}
	panic("saliency: no derivative for activation " + kind)
}

// rescale is DeepLIFT's rescale rule: the multiplier Δy/Δx of each unit
// against the recorded reference (the derivative where |Δx| < rescaleEps);
// for a max pooling, each window's Δy over the Δx of one element of the
// window (poolRoute), so Σ dx·Δx = Σ dy·Δy holds window by window.
func (st *stage) rescale(x, y, dy, dx []float32) {
	if st.pool > 0 {
		st.poolRoute(x, y, dy, dx, st.refX)
		return
	}
	for j := range dx {
		d := float64(x[j]) - float64(st.refX[j])
		var m float64
		if math.Abs(d) > rescaleEps {
			m = (float64(y[j]) - float64(st.refY[j])) / d
		} else {
			m = Derivative(st.kind, float64(x[j]), float64(y[j]))
		}
		dx[j] = float32(float64(dy[j]) * m)
	}
}

// poolRoute is the backward pass of k×k max pooling with stride k (NCHW).
// Without a reference each window's dy goes to its first maximal element,
// the plain gradient. With the reference refX (DeepLIFT), it goes to one
// element j of the window as dy·Δy/Δx_j: the maximal element when its
// |Δx_j| is at least |Δy| (and above rescaleEps), otherwise the element of
// largest |Δx_j|, which is never below |Δy| (max is 1-Lipschitz), so the
// multiplier stays within [−1, 1] and no tiny Δx_j inflates it; when every
// |Δx_j| is below rescaleEps (then |Δy| is too) the plain gradient.
func (st *stage) poolRoute(x, y, dy, dx, refX []float32) {
	clear(dx)
	k := st.pool
	planes, h, w := st.x[0]*st.x[1], st.x[2], st.x[3]
	oh, ow := st.y[2], st.y[3]
	for p := 0; p < planes; p++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				o := (p*oh+i)*ow + j
				best, far := -1, -1
				farD := 0.0
				for a := i * k; a < i*k+k; a++ {
					for b := j * k; b < j*k+k; b++ {
						e := (p*h+a)*w + b
						if best < 0 && x[e] == y[o] {
							best = e
						}
						if refX != nil {
							if d := math.Abs(float64(x[e]) - float64(refX[e])); d > farD {
								far, farD = e, d
							}
						}
					}
				}
				if best < 0 {
					continue // a NaN window routes nothing, as nets' gradient
				}
				to, m := best, 1.0
				if refX != nil {
					dy := math.Abs(float64(y[o]) - float64(st.refY[o]))
					if d := math.Abs(float64(x[best]) - float64(refX[best])); (d <= rescaleEps || d < dy) && farD > rescaleEps {
						to = far
					}
					if d := float64(x[to]) - float64(refX[to]); math.Abs(d) > rescaleEps {
						m = (float64(y[o]) - float64(st.refY[o])) / d
					}
				}
				dx[to] += float32(float64(dy[o]) * m)
			}
		}
	}
}
