package config

// classifierKeys are the model.* keys of kind "classifier": an image
// classifier, a multilayer perceptron or a small convolutional network (two
// conv+pool blocks and a dense head, in the style of LeNet; LeCun et al. 1998),
// trained with softmax cross-entropy.
func classifierKeys() []Key {
	return []Key{
		StringKey("model.arch", "cnn", "mlp (fully connected) or cnn (3×3 conv + 2×2 max-pool blocks, then a dense head)").OneOf("mlp", "cnn"),
		IntListKey("model.hidden", []int{128}, "widths of the hidden dense layers (for cnn: the dense head before the output layer); the last is the feature space of the GAN's Fréchet distance").Range(1, 65536).Len(1, 0),
		IntListKey("model.channels", []int{32, 64}, "cnn only: output channels of each conv+pool block (each halves height and width)").Range(1, 65536).Len(1, 0),
		StringKey("model.activation", "relu", "activation of the hidden layers").OneOf("relu", "leaky_relu", "elu", "tanh", "sigmoid", "gelu"),
		FloatKey("model.dropout", 0, "dropout probability after each hidden dense layer (Srivastava et al. 2014); 0 = off").AtLeast(0).LessThan(1),
		BoolKey("model.batch_norm", false, "batch normalization before each activation (Ioffe & Szegedy 2015)"),
		valFractionKey(),
	}
}

func init() { RegisterKind("classifier", classifierKeys()...) }
