package lags

import (
	"testing"

	"genxai/xai/explain/explaintest"
)

func TestMain(m *testing.M) { explaintest.Main(m) }
