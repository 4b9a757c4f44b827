package main

import "testing"

// TestStepFlops checks each step's count against a sum written out by hand
// from the layer shapes, and that the representative product is the step's
// largest (the first listed among equals).
func TestStepFlops(t *testing.T) {
	const (
		// VAE, batch 128: the first layer has no input gradient (2
		// products), the others 3.
		vae = 2 * 128 * (2*784*400 + 3*400*20 + 3*400*20 + 3*20*400 + 3*400*784)
		// CNN, batch 64: conv1 rows 64·28·28, inner 1·9; conv2 rows 64·14·14, inner 32·9.
		cnn = 2*(2*64*28*28*9*32) + 3*(2*64*14*14*288*64) + 3*(2*64*3136*128) + 3*(2*64*128*10)
		// Transformer, 768 rows: per layer 4 C×C and 2 C×4C linears and the
		// attention products, all three times (forward, two gradients); the tied head.
		perLayer    = 3 * (4*2*768*128*128 + 2*2*768*128*512 + 2*2*48*64*64*32)
		transformer = 4*perLayer + 3*2*768*128*43
	)
	// DCGAN: the generator forward (fakes), the discriminator on 128 rows
	// trained, the generator trained, the discriminator on 64 rows
	// differentiated through.
	gFwd := 2*64*74*3136 + 2*64*196*576*32 + 2*64*784*288*1
	dFwd := func(r int) int { return 2*r*196*176*32 + 2*r*49*512*64 + 2*r*3136*1 + 2*r*10*3136 }
	dcgan := gFwd + // fakes
		dFwd(128) + 2*128*196*176*32 + 2*(2*128*49*512*64) + 2*(2*128*3136) + 2*128*10*3136 + // D update
		gFwd + 2*64*74*3136 + 2*(2*64*196*576*32) + 2*(2*64*784*288) + // G forward and backward
		dFwd(64) + 2*64*196*176*32 + 2*64*49*512*64 + 2*64*3136 // D differentiated through
	for _, c := range []struct {
		s     step
		want  int
		shape [3]int
	}{
		{vaeStep(), vae, [3]int{128, 400, 784}},
		{cnnStep(), cnn, [3]int{12544, 64, 288}},
		{dcganStep(), dcgan, [3]int{12544, 32, 576}},
		{transformerStep(43), transformer, [3]int{768, 512, 128}},
	} {
		if got := c.s.flops(); got != float64(c.want) {
			t.Errorf("%s: %.0f FLOP, want %d", c.s.name, got, c.want)
		}
		if g := c.s.largest(); [3]int{g.m, g.n, g.k} != c.shape {
			t.Errorf("%s: largest product %dx%dx%d (%s), want %v", c.s.name, g.m, g.n, g.k, g.what, c.shape)
		}
	}
}
