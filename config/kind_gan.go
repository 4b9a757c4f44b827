package config

// ganKeys are the model.* and metrics.* keys of kind "gan": a generative
// adversarial network (Goodfellow et al. 2014) with the non-saturating loss,
// as an MLP pair or a DCGAN-style pair (Radford et al. 2016), optionally
// class-conditional (Mirza & Osindero 2014).
func ganKeys() []Key {
	return []Key{
		StringKey("model.arch", "dcgan", "mlp (fully connected pair) or dcgan (upsample+conv generator with batch norm, strided-conv LeakyReLU discriminator)").OneOf("mlp", "dcgan"),
		BoolKey("model.conditional", false, "condition both networks on the class: the one-hot label is concatenated to the noise and to the discriminator's input"),
		BoolKey("model.projection", false, "conditional only: the discriminator also reads the class at its end, adding ⟨V·y, φ(x)⟩ (a learned class embedding times its last features) to its logit — the projection discriminator of Miyato & Koyama 2018, which conditions far more strongly than input planes alone"),
		IntKey("model.latent", 64, "dimension of the generator's noise z ~ N(0, I)").Range(1, 4096),
		IntListKey("model.g_hidden", []int{256, 512}, "mlp only: widths of the generator's hidden layers").Range(1, 65536).Len(1, 0),
		IntListKey("model.d_hidden", []int{512, 256}, "mlp only: widths of the discriminator's hidden layers").Range(1, 65536).Len(1, 0),
		IntListKey("model.g_channels", []int{64, 32}, "dcgan only: generator channels from its smallest grid up; the grid doubles once per entry (28×28 with two entries starts at 7×7)").Range(1, 65536).Len(1, 0),
		IntListKey("model.d_channels", []int{32, 64}, "dcgan only: channels of the discriminator's stride-2 4×4 convolutions").Range(1, 65536).Len(1, 0),
		BoolKey("model.batch_norm", true, "batch normalization in the generator's hidden layers"),
		IntKey("model.d_steps", 1, "discriminator updates per generator update").Range(1, 100),
		FloatKey("model.d_lr", 0, "learning rate of the discriminator; 0 = train.lr").AtLeast(0).AtMost(10),
		StringKey("metrics.classifier_run", "", "run directory of a trained Fashion-MNIST classifier (kind classifier) whose features score the generator: Fréchet distance and, for a conditional GAN, conditioning accuracy; empty = skip them"),
		IntKey("metrics.samples", 5000, "generated images scored by the classifier after each epoch").Range(10, 1000000),
	}
}

func init() { RegisterKind("gan", ganKeys()...) }
