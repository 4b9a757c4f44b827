package timeseries

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/config"
	"genxai/internal/cmdtest"
)

func TestRunFromConfig(t *testing.T) {
	_, ref := loadSunspots(t)
	out := filepath.Join(t.TempDir(), "run")
	s, _ := cmdtest.Run(t, config.ARSchema(), "data: builtin:sunspots\nlags: auto\nmax_lag: 9\nic: bic\n", []string{"out=" + out}, RunFromConfig)
	want := ref.Fits[8]
	coefs, _ := s["coefficients"].([]map[string]any)
	if s["lags"] != 9 || s["nobs"] != want.Nobs || len(coefs) != 10 || coefs[0]["name"] != "const" {
		t.Fatalf("summary %v", s)
	}
	if !close(coefs[9]["coef"].(float64), want.Params[9], 1e-6) || !close(coefs[9]["se"].(float64), want.SE[9], 1e-6) || !close(s["bic"].(float64), want.BIC, 1e-9) {
		t.Errorf("lag 9 %v, bic %v; statsmodels %v (se %v), %v", coefs[9], s["bic"], want.Params[9], want.SE[9], want.BIC)
	}
	for _, name := range []string{"forecasts.csv", "forecast.png", "lag_contributions.csv", "lag_importance.png", "summary.json", "config.yaml"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "forecasts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[1], "2009,") {
		t.Errorf("forecasts.csv: %d lines, first row %q; want a header and 10 rows from 2009", len(lines), lines[1])
	}
}

func TestRunRefusesGap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gap.csv")
	if err := os.WriteFile(path, []byte("year,v\n2000,1\n2001,3\n2003,2\n2004,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse("t.yaml", []byte("time: year\n"), config.ARSchema(), []string{"data=" + path, "lags=1", "out=" + filepath.Join(dir, "run")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = RunFromConfig(context.Background(), c, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "gap.csv: line 4") {
		t.Errorf("got %v, want a gap error naming gap.csv line 4", err)
	}
}
