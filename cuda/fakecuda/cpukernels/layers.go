package cpukernels

import "genxai/engine"

// convShape reads the shape arguments n, c, h, w, kh, kw, stride, pad
// starting at argument 2.
func convShape(k *call) engine.ConvShape {
	return engine.ConvShape{N: k.i32(2), C: k.i32(3), H: k.i32(4), W: k.i32(5), KH: k.i32(6), KW: k.i32(7),
		Stride: k.i32(8), Pad: k.i32(9)}
}

// planes reads planes, h, w, k starting at argument i.
func planes(k *call, i int) (p, h, w, f int) {
	return k.i32(i), k.i32(i + 1), k.i32(i + 2), k.i32(i + 3)
}

// layerBodies are the bodies of the conv, pool and gather units.
var layerBodies = map[string]func(k *call){
	"im2col": func(k *call) {
		s := convShape(k)
		k.host.Im2col(s, k.in(0, s.N*s.C*s.H*s.W), k.out(1, s.N*s.Rows()*s.Cols()))
	},
	"col2im": func(k *call) {
		s := convShape(k)
		k.host.Col2im(s, k.in(0, s.N*s.Rows()*s.Cols()), k.out(1, s.N*s.C*s.H*s.W))
	},
	"max_pool": func(k *call) {
		p, h, w, f := planes(k, 1)
		k.host.MaxPool2D(k.in(0, p*h*w), p, h, w, f, k.out(5, p*(h/f)*(w/f)))
	},
	"max_pool_grad": func(k *call) {
		p, h, w, f := planes(k, 3)
		ny := p * (h / f) * (w / f)
		k.host.MaxPool2DGrad(k.in(0, p*h*w), k.in(1, ny), k.in(2, ny), p, h, w, f, k.out(7, p*h*w))
	},
	"upsample": func(k *call) {
		p, h, w, f := planes(k, 1)
		k.host.Upsample(k.in(0, p*h*w), p, h, w, f, k.out(5, p*h*w*f*f))
	},
	"upsample_grad": func(k *call) {
		p, h, w, f := planes(k, 1)
		k.host.UpsampleGrad(k.in(0, p*h*w*f*f), p, h, w, f, k.out(5, p*h*w))
	},
	"gather": func(k *call) {
		vocab, dim, n := k.i32(1), k.i32(2), k.i32(4)
		k.host.Gather(k.in(0, vocab*dim), vocab, dim, k.in(3, n), n, k.out(5, n*dim))
	},
	"scatter_add": func(k *call) {
		n, vocab, dim := k.i32(2), k.i32(4), k.i32(5)
		k.host.ScatterAdd(k.in(0, n*dim), k.in(1, n), n, k.out(3, vocab*dim), vocab, dim)
	},
}

func init() {
	for name, body := range layerBodies {
		bodies[name] = body
	}
}
