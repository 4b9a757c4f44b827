package latent

import "genxai/xai/explain"

type testModel struct {
	run *explain.Run
	m   *Model
}

func (t *testModel) Close() { t.m.Close() }

func openForTest(dir string) (*testModel, error) {
	r, err := explain.Open(dir)
	if err != nil {
		return nil, err
	}
	m, err := Load(r, "tape")
	if err != nil {
		return nil, err
	}
	return &testModel{run: r, m: m}, nil
}
