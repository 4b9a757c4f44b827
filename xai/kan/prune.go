package kan

import "fmt"

// Prune masks the nodes the paper's §2.5.1 calls unimportant, from the
// edges' mean |φ| (scores[l][i·Out + j] for layer l's edge i → j): a hidden
// node whose incoming score (the largest mean |φ| of an edge into it) or
// outgoing score (the largest of an edge out of it) is below threshold
// loses all its edges, and so does an input whose outgoing score is below
// it. Output nodes are kept. It returns the pruned inputs (feature names)
// and hidden nodes ("layer l node j", l counting hidden layers from 1).
func (m *Model) Prune(scores [][]float64, threshold float64) (inputs, hidden []string) {
	out := func(l, i int) float64 { // largest score of an edge out of node i of layer l's input
		ly := m.Layers[l]
		var v float64
		for j := 0; j < ly.Out; j++ {
			v = max(v, scores[l][i*ly.Out+j])
		}
		return v
	}
	in := func(l, j int) float64 { // largest score of an edge into node j of layer l's output
		ly := m.Layers[l]
		var v float64
		for i := 0; i < ly.In; i++ {
			v = max(v, scores[l][i*ly.Out+j])
		}
		return v
	}
	var dropIn []int
	for i := 0; i < m.Layers[0].In; i++ {
		if out(0, i) < threshold && m.Layers[0].active(i) {
			dropIn = append(dropIn, i)
			inputs = append(inputs, m.Features[i])
		}
	}
	type node struct{ l, j int }
	var dropHidden []node
	for l := 1; l < len(m.Layers); l++ {
		for j := 0; j < m.Layers[l].In; j++ {
			if (in(l-1, j) < threshold || out(l, j) < threshold) && m.Layers[l].active(j) {
				dropHidden = append(dropHidden, node{l, j})
				hidden = append(hidden, fmt.Sprintf("layer %d node %d", l, j))
			}
		}
	}
	for _, i := range dropIn {
		m.Layers[0].maskInput(i)
	}
	for _, h := range dropHidden {
		m.Layers[h.l].maskInput(h.j)
		prev := m.Layers[h.l-1]
		for i := 0; i < prev.In; i++ {
			prev.Mask[i*prev.Out+h.j] = 0
		}
	}
	return inputs, hidden
}

// active reports whether input i has an unmasked edge.
func (l *Layer) active(i int) bool {
	for j := 0; j < l.Out; j++ {
		if l.Mask[i*l.Out+j] != 0 {
			return true
		}
	}
	return false
}

// maskInput masks every edge out of input i.
func (l *Layer) maskInput(i int) {
	for j := 0; j < l.Out; j++ {
		l.Mask[i*l.Out+j] = 0
	}
}

// ActiveInputs names the features with an unpruned edge.
func (m *Model) ActiveInputs() []string {
	var s []string
	for i, f := range m.Features {
		if m.Layers[0].active(i) {
			s = append(s, f)
		}
	}
	return s
}
