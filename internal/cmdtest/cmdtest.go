// Package cmdtest runs the classical commands (svm, gmm) from a config in
// tests, the way cmd/genxai does.
package cmdtest

import (
	"bytes"
	"context"
	"io"
	"testing"

	"genxai/config"
)

// RunFunc is a command's RunFromConfig: it reads c, prints results to stdout
// and progress to log, and returns the summary it wrote.
type RunFunc func(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error)

// Run parses yaml with the --set overrides sets against schema, runs run on
// it and returns the summary and what was printed; any error fails t.
func Run(t testing.TB, schema config.Schema, yaml string, sets []string, run RunFunc) (summary map[string]any, stdout string) {
	t.Helper()
	c, err := config.Parse("t.yaml", []byte(yaml), schema, sets)
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	s, err := run(context.Background(), c, &out, &log)
	if err != nil {
		t.Fatal(err)
	}
	return s, out.String()
}
