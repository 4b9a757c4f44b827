package nets

import (
	"math/rand"
	"testing"
)

func buildForecaster(cfg ForecasterConfig, batch int) error {
	_, err := NewForecaster(NewStore(1), cfg, batch, true)
	return err
}

func TestForecasterBadSettings(t *testing.T) {
	good := ForecasterConfig{Window: 5, Hidden: []int{4}, Activation: "tanh", Dropout: 0.1, Linear: true}
	checkBad(t, "forecaster", good, buildForecaster, []badCase[ForecasterConfig]{
		{"model.window", func(c *ForecasterConfig) { c.Window = 0 }},
		{"model.window", func(c *ForecasterConfig) { c.Window = 1 << 20 }},
		{"model.hidden", func(c *ForecasterConfig) { c.Hidden = nil }},
		{"model.hidden[0]", func(c *ForecasterConfig) { c.Hidden = []int{-1} }},
		{"model.activation", func(c *ForecasterConfig) { c.Activation = "swish" }},
		{"model.dropout", func(c *ForecasterConfig) { c.Dropout = 1 }},
		{"model.arch", func(c *ForecasterConfig) { c.Arch = "rnn" }},
	})
	tcn := ForecasterConfig{Arch: "tcn", Window: 5, Channels: 4, Kernel: 2, Dilations: []int{1, 2}, Activation: "relu"}
	checkBad(t, "forecaster", tcn, buildForecaster, []badCase[ForecasterConfig]{
		{"model.channels", func(c *ForecasterConfig) { c.Channels = 0 }},
		{"model.kernel", func(c *ForecasterConfig) { c.Kernel = 0 }},
		{"model.kernel", func(c *ForecasterConfig) { c.Kernel = 65 }},
		{"model.dilations", func(c *ForecasterConfig) { c.Dilations = nil }},
		{"model.dilations[1]", func(c *ForecasterConfig) { c.Dilations = []int{1, 0} }},
		{"model.dilations", func(c *ForecasterConfig) { c.Dilations = []int{4093, 4091} }},
	})
}

// The forecaster's loss is the weighted squared error of its prediction, and
// its gradients agree with finite differences, with and without the linear
// term, for both architectures (the tcn with a window that is not a
// multiple of its dilations, so its left padding is exercised too).
func TestForecasterShapesAndGradients(t *testing.T) {
	for _, c := range []struct {
		arch   string
		linear bool
	}{{"mlp", false}, {"mlp", true}, {"tcn", false}, {"tcn", true}} {
		linear := c.linear
		cfg := ForecasterConfig{Arch: c.arch, Window: 6, Hidden: []int{5, 3}, Channels: 3, Kernel: 2, Dilations: []int{1, 4},
			Activation: "tanh", Linear: linear}
		m, err := NewForecaster(NewStore(1), cfg, 4, true)
		if err != nil {
			t.Fatal(err)
		}
		if s := m.Pred.Shape(); len(s) != 1 || s[0] != 4 {
			t.Errorf("linear %v: prediction shape %v, want (4)", linear, s)
		}
		names := map[string]bool{}
		for _, n := range m.Net.ParamNames() {
			names[n] = true
		}
		if names["linear.weight"] != linear {
			t.Errorf("linear %v: parameters %v", linear, m.Net.ParamNames())
		}
		modelGradCheck(t, "forecaster", m.Net, m.Loss, m.Net.Params(), func(rng *rand.Rand) {
			fillNormal(m.Net.InputData("x"), rng, 1)
			fillNormal(m.Net.InputData("target"), rng, 1)
			for i, w := 0, m.Net.InputData("row_weight"); i < len(w); i++ {
				w[i] = 0.25
			}
		})
	}
}
