package main

// The matrix products of one training step of each model scripts/bench/steps.sh
// times, counted from the model shapes (configs/vae-fashion-mlp's MLP VAE as
// models.BenchmarkVAEStep builds it, configs/cnn-fashion.yaml,
// configs/cgan-fashion.yaml, configs/ar-shakespeare.yaml). A product of an
// m×k by a k×n matrix costs 2·m·n·k floating-point operations.
//
// A dense layer y = x·W on r rows (in → out) costs one product forward
// (r×in by in×out), one for the weight gradient dW = xᵀ·dy (in×r by r×out)
// and one for the input gradient dx = dy·Wᵀ (r×out by out×in), the last only
// when something before the layer needs it. A convolution lowered by im2col
// is the same three products with r = batch·out_h·out_w rows and
// in = c_in·k_h·k_w. Elementwise work, reductions, softmax, normalisation,
// pooling, upsampling, im2col itself and the optimizer are not counted: the
// floor is the time the step's products alone would take.

// gemm is one matrix product m×k by k×n, done times times per step.
type gemm struct {
	what    string
	m, n, k int
	times   int
}

// flops returns the floating-point operations of g, all its repetitions.
func (g gemm) flops() float64 {
	return 2 * float64(g.m) * float64(g.n) * float64(g.k) * float64(g.times)
}

// pass says which of a layer's products a pass over it needs.
type pass struct {
	weights bool // the weight gradient
	inputs  bool // the input gradient
}

var (
	forwardOnly = pass{}                            // no gradient (the fakes the GAN's discriminator sees)
	firstLayer  = pass{weights: true}               // trained, nothing before it to differentiate
	trained     = pass{weights: true, inputs: true} // trained, inside the network
	throughOnly = pass{inputs: true}                // frozen, differentiated through (the GAN's discriminator in the generator update)
)

// dense lists the products of a dense layer in → out on rows rows.
func dense(what string, rows, in, out int, p pass) []gemm {
	gs := []gemm{{what + " forward", rows, out, in, 1}}
	if p.weights {
		gs = append(gs, gemm{what + " dW", in, out, rows, 1})
	}
	if p.inputs {
		gs = append(gs, gemm{what + " dX", rows, in, out, 1})
	}
	return gs
}

// conv lists the products of a convolution lowered by im2col: c_in·k·k → c_out
// on batch·oh·ow rows.
func conv(what string, batch, cin, cout, k, oh, ow int, p pass) []gemm {
	return dense(what, batch*oh*ow, cin*k*k, cout, p)
}

// attention lists the two batched products of causal self-attention over
// batch·heads sequences of length t with head size d (scores = q·kᵀ, then
// att·v), forward and, when trained, both operands' gradients.
func attention(what string, seqs, t, d int, p pass) []gemm {
	back := 0
	if p.inputs {
		back = 2
	}
	return []gemm{
		{what + " q·kᵀ", t, t, d, seqs * (1 + back)},
		{what + " att·v", t, d, t, seqs * (1 + back)},
	}
}

// step is a benchmarked training step: its Go benchmark, its PyTorch peer and
// its products.
type step struct {
	name  string // as steps.sh prints it
	bench string // the Go benchmark in package models
	gemms []gemm
}

// flops returns the GEMM operations of one step.
func (s step) flops() float64 {
	var f float64
	for _, g := range s.gemms {
		f += g.flops()
	}
	return f
}

// largest returns the step's product with the most operations per call, the
// shape whose sgemm rate stands for the step's.
func (s step) largest() gemm {
	best := s.gemms[0]
	for _, g := range s.gemms[1:] {
		if 2*g.m*g.n*g.k > 2*best.m*best.n*best.k {
			best = g
		}
	}
	return best
}

func cat(lists ...[]gemm) []gemm {
	var all []gemm
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

// vaeStep: 784-400-(20, 20)-400-784, batch 128 (models.BenchmarkVAEStep).
func vaeStep() step {
	const b = 128
	return step{"vae", "BenchmarkVAEStep", cat(
		dense("enc.fc1", b, 784, 400, firstLayer),
		dense("enc.mu", b, 400, 20, trained),
		dense("enc.logvar", b, 400, 20, trained),
		dense("dec.fc1", b, 20, 400, trained),
		dense("dec.out", b, 400, 784, trained),
	)}
}

// cnnStep: conv 3×3 1→32 at 28×28, pool, conv 3×3 32→64 at 14×14, pool,
// dense 3136→128, dense 128→10, batch 64 (configs/cnn-fashion.yaml).
func cnnStep() step {
	const b = 64
	return step{"cnn", "BenchmarkCNNStep", cat(
		conv("conv1", b, 1, 32, 3, 28, 28, firstLayer),
		conv("conv2", b, 32, 64, 3, 14, 14, trained),
		dense("fc1", b, 64*7*7, 128, trained),
		dense("out", b, 128, 10, trained),
	)}
}

// dcganStep: configs/cgan-fashion.yaml at batch 64. The generator maps
// [z(64), one-hot(10)] to 64×7×7, then upsample+3×3 conv to 32×14×14 and to
// 1×28×28; the discriminator sees the image with 10 label planes, 4×4
// stride-2 convolutions to 32×14×14 and 64×7×7, a dense logit and the
// projection ⟨embed(y), φ⟩. A step generates 64 fakes (forward only),
// updates the discriminator on 128 rows (real and fake; its input needs no
// gradient), and updates the generator through the frozen discriminator
// (whose weight gradients are not needed).
func dcganStep() step {
	const b, z, k = 64, 64, 10
	gen := func(p, first pass) []gemm {
		return cat(
			dense("G.fc", b, z+k, 64*7*7, first),
			conv("G.up1", b, 64, 32, 3, 14, 14, p),
			conv("G.out", b, 32, 1, 3, 28, 28, p),
		)
	}
	disc := func(rows int, p, first pass) []gemm {
		embed := forwardOnly // the label is an input: the embedding's input gradient is never needed
		if p.weights {
			embed = firstLayer
		}
		return cat(
			conv("D.conv1", rows, 1+k, 32, 4, 14, 14, first),
			conv("D.conv2", rows, 32, 64, 4, 7, 7, p),
			dense("D.out", rows, 64*7*7, 1, p),
			dense("D.embed", rows, k, 64*7*7, embed),
		)
	}
	return step{"dcgan", "BenchmarkDCGANStep", cat(
		gen(forwardOnly, forwardOnly),
		disc(2*b, trained, firstLayer),
		gen(trained, firstLayer),
		disc(b, throughOnly, throughOnly),
	)}
}

// transformerStep: configs/ar-shakespeare.yaml's transformer (4 layers, 4
// heads, embedding 128, block 64, batch 12) over a vocabulary of vocab
// characters, with the output layer tied to the token embedding.
func transformerStep(vocab int) step {
	const b, t, c, heads, layers = 12, 64, 128, 4, 4
	rows := b * t
	var gs []gemm
	for l := range layers {
		name := func(s string) string { return "h" + string(rune('0'+l)) + "." + s }
		gs = cat(gs,
			dense(name("q"), rows, c, c, trained),
			dense(name("k"), rows, c, c, trained),
			dense(name("v"), rows, c, c, trained),
			attention(name("attn"), b*heads, t, c/heads, trained),
			dense(name("proj"), rows, c, c, trained),
			dense(name("fc"), rows, c, 4*c, trained),
			dense(name("out"), rows, 4*c, c, trained),
		)
	}
	gs = cat(gs, dense("lm_head (tied wte)", rows, c, vocab, trained))
	return step{"transformer", "BenchmarkTransformerStep", gs}
}
