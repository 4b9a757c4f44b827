package engine

import (
	"fmt"
	"log"
	"strings"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gemm lowers a linAlgBinOp (matrix, matrix–vector, vector dot, outer and
// batched products) to one GEMM with transpose flags. Gorgonia's op type
// exports neither its operator nor its flags; its String spells both
// ("Aᵀ × B", "A ××× Bᵀ", "a ⋅ b").
func (l *lowerer) gemm(n *G.Node) (bool, error) {
	s := fmt.Sprint(n.Op())
	a, b := l.kids[n][0].Shape(), l.kids[n][1].Shape()
	transA := strings.HasPrefix(s, "Aᵀ") || strings.HasPrefix(s, "aᵀ")
	transB := strings.HasSuffix(s, "ᵀ")
	mk := func(sh tensor.Shape, t bool) (int, int) { // rows and columns of op(sh)
		r, c := sh[len(sh)-2], sh[len(sh)-1]
		if t {
			return c, r
		}
		return r, c
	}
	var g GemmShape
	batch := 0
	switch {
	case strings.Contains(s, "×××"):
		if len(a) < 3 || len(a) != len(b) || size(a[:len(a)-2]) != size(b[:len(b)-2]) {
			return false, nil
		}
		batch = size(a[:len(a)-2])
		g.M, g.K = mk(a, transA)
		_, g.N = mk(b, transB)
	case strings.Contains(s, "⋅"):
		g.M, g.N, g.K = 1, 1, size(a)
	case strings.Contains(s, "⊗"):
		g.M, g.N, g.K = size(a), size(b), 1
	case strings.Contains(s, "× b"):
		if len(a) != 2 {
			return false, nil
		}
		g.M, g.K = mk(a, transA)
		g.N = 1
		transB = false
	case strings.Contains(s, "× B"):
		if len(a) != 2 || len(b) != 2 {
			return false, nil
		}
		g.M, g.K = mk(a, transA)
		_, g.N = mk(b, transB)
	default:
		return false, nil
	}
	g.TransA, g.TransB, g.Alpha = transA, transB, 1
	if g.M*g.N*max(batch, 1) != size(n.Shape()) {
		return false, fmt.Errorf("a product of %v and %v gives %v, not %d×%d", a, b, n.Shape(), g.M, g.N)
	}
	in := l.in(n)
	out := l.value(n)
	if batch == 0 {
		l.emit(fmt.Sprintf("gemm %s %d×%d×%d", s, g.M, g.N, g.K), in, []int{out}, func(p *Plan) error {
			p.be.Gemm(g, p.buf(in[0]), p.buf(in[1]), p.buf(out))
			return nil
		})
		l.costs(g.FLOPs())
		return true, nil
	}
	sa, sb, sc := g.Sizes()
	l.emit(fmt.Sprintf("batched gemm %s %d×(%d×%d×%d)", s, batch, g.M, g.N, g.K), in, []int{out}, func(p *Plan) error {
		p.be.GemmBatched(g, batch, p.buf(in[0]), sa, p.buf(in[1]), sb, p.buf(out), sc)
		return nil
	})
	l.costs(float64(batch) * g.FLOPs())
	return true, nil
}

// sum lowers a sumOp over any set of axes to one Reduce per run of adjacent
// axes, the last run first.
func (l *lowerer) sum(n *G.Node) bool {
	var axes []int
	s := strings.Trim(strings.TrimPrefix(fmt.Sprint(n.Op()), "Σ"), "[]")
	for _, f := range strings.Fields(s) {
		var a int
		if _, err := fmt.Sscan(f, &a); err != nil {
			return false
		}
		axes = append(axes, a)
	}
	shape := []int(l.kids[n][0].Shape().Clone())
	if len(shape) == 0 {
		shape = []int{1}
	}
	if len(axes) == 0 {
		return false
	}
	src := l.p.of[l.kids[n][0]]
	// Runs of adjacent axes, from the last one back, so earlier axes keep their index.
	for i := len(axes) - 1; i >= 0; {
		j := i
		for j > 0 && axes[j-1] == axes[j]-1 {
			j--
		}
		lo, hi := axes[j], axes[i]+1
		if lo < 0 || hi > len(shape) {
			return false
		}
		outer, axis, inner := size(shape[:lo]), size(shape[lo:hi]), size(shape[hi:])
		shape = append(shape[:lo], shape[hi:]...)
		var dst int
		if j == 0 {
			dst = l.value(n)
		} else {
			dst = l.newStorage(outer * inner)
		}
		from := src
		l.emit(fmt.Sprintf("reduce Σ %d×[%d]×%d", outer, axis, inner), []int{from}, []int{dst}, func(p *Plan) error {
			p.be.Reduce(ReduceSum, p.buf(from), outer, axis, inner, p.buf(dst))
			return nil
		})
		src, i = dst, j-1
	}
	return true
}

// repeat lowers a Repeat that no chain reads as a broadcast: each value of
// x [outer, a, inner] becomes reps rows of the output, one Strided copy that
// reads x with a stride of 0 (RepeatCopy).
func (l *lowerer) repeat(n *G.Node) bool {
	var along int
	if _, err := fmt.Sscanf(fmt.Sprint(n.Op()), "Repeat%d", &along); err != nil {
		return false
	}
	in, out := l.kids[n][0].Shape(), n.Shape()
	if len(in) == 0 {
		in = tensor.Shape{1}
	}
	if along < 0 || along >= len(in) || along >= len(out) || out[along]%in[along] != 0 {
		return false
	}
	reps := out[along] / in[along]
	s := RepeatCopy(size(in[:along+1]), reps, size(in[along+1:]))
	l.stridedCopies(n, fmt.Sprintf("repeat %d× along %d", reps, along), l.in(n), []Strided{s})
	return true
}

// softmax lowers Gorgonia's softmax and log-softmax along the last axis and
// their gradients (whose inputs are x, y = softmax(x) and dy).
func (l *lowerer) softmax(n *G.Node) bool {
	var axis int
	var isLog bool
	s := fmt.Sprint(n.Op())
	diff := strings.HasPrefix(s, "SoftmaxDiff")
	format := "Softmax{%d, %t}()"
	if diff {
		format = "SoftmaxDiff{%d, %t}()"
	}
	if _, err := fmt.Sscanf(s, format, &axis, &isLog); err != nil {
		return false
	}
	shape := n.Shape()
	if axis != -1 && axis != len(shape)-1 {
		return false
	}
	rows, cols := view(shape)
	in := l.in(n)
	out := l.value(n)
	switch {
	case diff && isLog:
		l.emit("log-softmax gradient", in[1:], []int{out}, func(p *Plan) error {
			p.be.LogSoftmaxGrad(p.buf(in[1]), p.buf(in[2]), rows, cols, p.buf(out))
			return nil
		})
	case diff:
		l.emit("softmax gradient", in[1:], []int{out}, func(p *Plan) error {
			p.be.SoftmaxGrad(p.buf(in[1]), p.buf(in[2]), rows, cols, p.buf(out))
			return nil
		})
	case isLog:
		l.emit("log-softmax", in, []int{out}, func(p *Plan) error {
			p.be.LogSoftmax(p.buf(in[0]), rows, cols, p.buf(out))
			return nil
		})
	default:
		l.emit("softmax", in, []int{out}, func(p *Plan) error {
			p.be.Softmax(p.buf(in[0]), rows, cols, p.buf(out))
			return nil
		})
	}
	return true
}

// fallback runs a node through its op's own Do on the host: its inputs are
// downloaded into Gorgonia values, the result uploaded. Correct and slow; the
// op is reported once per process by name.
func (l *lowerer) fallback(n *G.Node) {
	name := opName(n.Op())
	if !l.reported[name] {
		l.reported[name] = true
		l.p.fallbacks = append(l.p.fallbacks, name)
		reportFallback(name)
	}
	kids := l.kids[n]
	in := l.in(n)
	vals := make([]G.Value, len(kids))
	hosts := make([][]float32, len(kids))
	for i, k := range kids {
		hosts[i] = make([]float32, size(k.Shape()))
		if k.IsScalar() {
			vals[i] = new(G.F32)
		} else {
			vals[i] = tensor.New(tensor.WithShape(k.Shape()...), tensor.WithBacking(hosts[i]))
		}
	}
	out := l.value(n)
	op := n.Op()
	l.emit("host "+fmt.Sprint(op), in, []int{out}, func(p *Plan) error {
		for i, id := range in {
			if err := p.be.Download(hosts[i], p.buf(id)); err != nil {
				return err
			}
			if f, ok := vals[i].(*G.F32); ok {
				*f = G.F32(hosts[i][0])
			}
		}
		v, err := op.Do(vals...)
		if err != nil {
			return err
		}
		if d, ok := v.(*tensor.Dense); ok && d.IsMaterializable() {
			v = d.Materialize().(G.Value)
		}
		switch d := v.Data().(type) {
		case []float32:
			p.be.Upload(p.buf(out), d)
		case float32:
			p.host[0] = d
			p.be.Upload(p.buf(out), p.host[:1])
		default:
			return fmt.Errorf("the op returned %T, not float32", v.Data())
		}
		return nil
	})
}

// opName is an op's name without its parameters ("Conv2D" for
// "Conv2D(stride=1,pad=1)").
func opName(op G.Op) string {
	s := fmt.Sprint(op)
	if i := strings.IndexAny(s, "({"); i > 0 {
		s = s[:i]
	}
	return s
}

var reportedFallbacks sync.Map

// reportFallback logs, once per process, that an op runs on the host.
func reportFallback(name string) {
	if _, done := reportedFallbacks.LoadOrStore(name, true); !done {
		log.Printf("engine: the plan has no kernel for %s; it runs on the host through the op's Do", name)
	}
}
