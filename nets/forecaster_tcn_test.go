package nets

import (
	"math"
	"math/rand"
	"testing"

	"genxai/engine"
)

// causalConv is the dilated causal convolution y[o,t] = b[o] +
// Σ_{c,j} W[o,c,j] x[c, t − (k−1−j)·d] with zeros before position 0,
// computed here by the definition's loop.
func TestCausalConvMatchesDefinition(t *testing.T) {
	for _, c := range []struct{ in, out, k, d, length int }{{1, 3, 2, 1, 6}, {2, 3, 3, 2, 8}, {3, 2, 2, 4, 8}, {2, 2, 1, 1, 5}} {
		n := NewNet(NewStore(5), false)
		x := n.Input("x", 2, c.in, 1, c.length)
		y := n.causalConv("cc", x, c.out, c.k, c.d)
		if err := n.Err(); err != nil {
			t.Fatal(err)
		}
		fillNormal(n.InputData("x"), rand.New(rand.NewSource(1)), 1)
		ex := engine.NewTape(n.G, nil)
		if err := ex.Run(); err != nil {
			t.Fatal(err)
		}
		got, xs := engine.Float32s(y), n.InputData("x")
		w, b := n.Store.Data("cc.weight"), n.Store.Data("cc.bias")
		for i := 0; i < 2; i++ {
			for o := 0; o < c.out; o++ {
				for tt := 0; tt < c.length; tt++ {
					want := float64(b[o])
					for ch := 0; ch < c.in; ch++ {
						for j := 0; j < c.k; j++ {
							if s := tt - (c.k-1-j)*c.d; s >= 0 {
								want += float64(w[(o*c.in+ch)*c.k+j]) * float64(xs[(i*c.in+ch)*c.length+s])
							}
						}
					}
					if g := got[(i*c.out+o)*c.length+tt]; math.Abs(float64(g)-want) > 1e-5 {
						t.Errorf("%+v: y[%d,%d,%d] = %v, want %v", c, i, o, tt, g, want)
					}
				}
			}
		}
		ex.Close()
	}
}

// The tcn forecaster without its linear term reads exactly the lags inside
// its receptive field: changing lag k moves the forecast when
// k ≤ ReceptiveField and leaves it bit for bit unchanged beyond.
func TestTCNReceptiveField(t *testing.T) {
	cfg := ForecasterConfig{Arch: "tcn", Window: 12, Channels: 3, Kernel: 2, Dilations: []int{1, 2}, Activation: "tanh"}
	if rf := cfg.ReceptiveField(); rf != 7 {
		t.Fatalf("receptive field %d, want 1 + 2·1·(1+2) = 7", rf)
	}
	m, err := NewForecaster(NewStore(3), cfg, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	ex := engine.NewTape(m.Net.G, nil)
	defer ex.Close()
	x := m.Net.InputData("x")
	fillNormal(x, rand.New(rand.NewSource(2)), 1)
	predict := func() float32 {
		if err := ex.Run(); err != nil {
			t.Fatal(err)
		}
		return engine.Float32s(m.Pred)[0]
	}
	base := predict()
	for lag := 1; lag <= cfg.Window; lag++ {
		i := cfg.Window - lag
		old := x[i]
		x[i] += 1
		moved := predict() != base
		x[i] = old
		if moved != (lag <= cfg.ReceptiveField()) {
			t.Errorf("lag %d (receptive field %d): forecast moved %v", lag, cfg.ReceptiveField(), moved)
		}
	}
}
