package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// NatsOfNext returns Σ −log softmax(logits[r])[next[r]] over the rows of
// logits (rows of vocabulary size each): the cross-entropy, in nats, of the
// characters next given the model's scores, computed in float64.
func NatsOfNext(logits []float32, next []int) (float64, error) {
	if len(next) == 0 || len(logits)%len(next) != 0 {
		return 0, fmt.Errorf("bits per character: %d logits do not split into %d rows", len(logits), len(next))
	}
	v := len(logits) / len(next)
	row := make([]float64, v)
	var nats float64
	for r, t := range next {
		if t < 0 || t >= v {
			return 0, fmt.Errorf("bits per character: token %d of row %d is outside the vocabulary of %d", t, r, v)
		}
		for j := range row {
			row[j] = float64(logits[r*v+j])
		}
		nats += floats.LogSumExp(row) - row[t]
	}
	return nats, nil
}

// BitsPerChar converts a total cross-entropy in nats over n characters to
// bits per character, nats/(n·ln 2): the figure character-level language
// models report (Graves, "Generating Sequences With Recurrent Neural
// Networks", 2013), the model's code length for the text.
func BitsPerChar(nats float64, n int) float64 { return nats / (float64(n) * math.Ln2) }
