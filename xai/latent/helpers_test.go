package latent

import "genxai/models"

type testModel struct {
	run *models.Run
	m   *Model
}

func (t *testModel) Close() { t.m.Close() }

func openForTest(dir string) (*testModel, error) {
	r, err := models.Open(dir)
	if err != nil {
		return nil, err
	}
	m, err := Load(r, "tape")
	if err != nil {
		return nil, err
	}
	return &testModel{run: r, m: m}, nil
}
