package explaintest

import (
	"fmt"
	"strconv"
	"strings"
)

// Training configs of the tiny models the explanation tests share. Train
// caches runs by config text, so the packages that use the same constant in
// one test binary train it once.
const (
	// ClassifierMLP is an MLP classifier on the embedded digits.
	ClassifierMLP = `
model: {kind: classifier, arch: mlp, hidden: [32]}
seed: 2
device: cpu
data: {path: "builtin:digits"}
train: {epochs: 8, batch_size: 32, lr: 3.0e-3}
`
	// ClassifierCNN is a one-convolution classifier on the embedded digits.
	ClassifierCNN = `
model: {kind: classifier, arch: cnn, channels: [8], hidden: [32]}
seed: 2
device: cpu
data: {path: "builtin:digits"}
train: {epochs: 4, batch_size: 32, lr: 3.0e-3}
`
	// DigitsCGAN is a tiny conditional MLP GAN on the embedded 8×8 digits,
	// trained for 20 steps.
	DigitsCGAN = `
model: {kind: gan, arch: mlp, conditional: true, g_hidden: [32], d_hidden: [32], latent: 8}
seed: 2
device: cpu
data: {path: "builtin:digits"}
train: {steps: 20, batch_size: 32, lr: 2.0e-3}
`
)

// DigitsVAE is the config of an MLP VAE (one hidden layer of 64 units, seed
// 3, batch 32, learning rate 3e-3) with latent dimensions on the embedded
// digits, trained for epochs with the classes exclude left out of training.
func DigitsVAE(latent, epochs int, exclude ...int) string {
	data := `path: "builtin:digits"`
	if len(exclude) > 0 {
		ks := make([]string, len(exclude))
		for i, k := range exclude {
			ks[i] = strconv.Itoa(k)
		}
		data += ", exclude_classes: [" + strings.Join(ks, ", ") + "]"
	}
	return fmt.Sprintf(`
model: {kind: vae, arch: mlp, hidden: [64], latent: %d}
seed: 3
device: cpu
data: {%s}
train: {epochs: %d, batch_size: 32, lr: 3.0e-3}
`, latent, data, epochs)
}
