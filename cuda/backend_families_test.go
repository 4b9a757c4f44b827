package cuda_test

import (
	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/nets"
)

// The remaining model families at small sizes, added to trainModels: the
// language model (layer norm, softmax, batched attention products, the
// embedding's one-hot product), the CNN classifier (convolutions, batch
// norm, max pooling) and the forecaster in both architectures (dilated
// causal convolutions; dense layers with a linear term). Their dropout
// masks are the plan's random inputs (train.DropoutInputs, as the models
// package trains them); every other input is a fresh uniform batch. The
// CNN uses tanh: with ReLU, shifting a channel of the last convolution
// often shifts every pooled value by the same amount, which the batch norm
// after the flatten removes, so that channel's bias gradient cancels to
// rounding noise, which Adam's normalized step turns into a full step of
// either sign (0.1 relative apart after three steps between two GEMM
// orders), hiding real differences. The language model has one block for
// a like reason: with two, the second block's query weights get gradients
// of the size of Adam's ε, where g/(|g|+ε) magnifies rounding, and they
// were 1.27e-5 relative apart after one step from the GEMM order alone
// (every other kernel the CPU backend's code); with one block the worst
// tensor is 3e-6 apart on the CPU harness.
func init() {
	families := map[string]func(s *nets.Store) (*nets.Net, *G.Node, error){
		"lm": func(s *nets.Store) (*nets.Net, *G.Node, error) {
			m, err := nets.NewTransformer(s, nets.TransformerConfig{Vocab: 7, Block: 5, Layers: 1, Heads: 2, Embed: 8,
				Dropout: 0.1}, 3, true)
			if err != nil {
				return nil, nil, err
			}
			return m.Net, m.Loss, nil
		},
		"classifier-cnn": func(s *nets.Store) (*nets.Net, *G.Node, error) {
			m, err := nets.NewClassifier(s, nets.ClassifierConfig{Arch: "cnn", C: 1, H: 8, W: 8, Classes: 5,
				Channels: []int{3, 4}, Hidden: []int{12}, Activation: "tanh", Dropout: 0.2, BatchNorm: true}, 4, true)
			if err != nil {
				return nil, nil, err
			}
			return m.Net, m.Loss, nil
		},
		"forecaster-tcn": func(s *nets.Store) (*nets.Net, *G.Node, error) {
			m, err := nets.NewForecaster(s, nets.ForecasterConfig{Arch: "tcn", Window: 12, Channels: 4, Kernel: 3,
				Dilations: []int{1, 2}, Activation: "relu", Dropout: 0.1, Linear: true}, 6, true)
			if err != nil {
				return nil, nil, err
			}
			return m.Net, m.Loss, nil
		},
		"forecaster-mlp": func(s *nets.Store) (*nets.Net, *G.Node, error) {
			m, err := nets.NewForecaster(s, nets.ForecasterConfig{Window: 10, Hidden: []int{16, 8}, Activation: "tanh",
				Dropout: 0.1, Linear: true}, 6, true)
			if err != nil {
				return nil, nil, err
			}
			return m.Net, m.Loss, nil
		},
	}
	for name, build := range families {
		trainModels[name] = func(s *nets.Store) (*nets.Net, *G.Node, []engine.RandomInput, error) {
			n, loss, err := build(s)
			return n, loss, nil, err
		}
	}
}
