// Package tabletest writes small labelled tables for the tests of the
// table generators (genxai gmm --per-class, genxai generate --model).
package tabletest

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ClassTable writes a CSV of n rows into a temporary directory and returns
// its path. Columns: x, numeric, around 5 for class b (every third row,
// from row 1) and 0 for class a; u, uniform in [0, 1); city, text, Paris
// for class b and London for a but Rome in about one row of ten; kind, the
// class (b, then a, in order of first appearance).
func ClassTable(t testing.TB, n int) string {
	t.Helper()
	rng := rand.New(rand.NewSource(3))
	var b strings.Builder
	b.WriteString("x,u,city,kind\n")
	for i := range n {
		class, mu, city := "a", 0.0, "London"
		if i%3 == 0 {
			class, mu, city = "b", 5, "Paris"
		}
		if rng.Float64() < 0.1 {
			city = "Rome"
		}
		fmt.Fprintf(&b, "%.4f,%.4f,%s,%s\n", mu+rng.NormFloat64(), rng.Float64(), city, class)
	}
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
