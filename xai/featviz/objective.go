package featviz

import (
	"fmt"
	"strconv"
	"strings"
)

// Target is one quantity a visualization maximizes (Olah et al., "Feature
// Visualization", Distill 2017, Figure "objectives"): a class logit, a
// class log-probability, a unit of the last hidden layer, the mean of one
// channel of a hidden layer, or one neuron (channel, row, column) of it.
type Target struct {
	Kind  string // "class" (logit), "prob" (log-probability), "unit", "channel" or "neuron"
	Index int    // the class, unit or channel
	Layer string // the hidden layer of a channel or neuron ("conv1", "fc1")
	Y, X  int    // the neuron's position in the layer's grid
}

// String is the target in the syntax of --objective.
func (t Target) String() string {
	switch t.Kind {
	case "channel":
		return fmt.Sprintf("channel:%s:%d", t.Layer, t.Index)
	case "neuron":
		return fmt.Sprintf("neuron:%s:%d:%d:%d", t.Layer, t.Index, t.Y, t.X)
	}
	return fmt.Sprintf("%s:%d", t.Kind, t.Index)
}

// Class is the class a target stands for (class and prob targets), or −1.
func (t Target) Class() int {
	if t.Kind == "class" || t.Kind == "prob" {
		return t.Index
	}
	return -1
}

// ParseObjective reads --objective: comma-separated targets, each
// class:K, prob:K, unit:U, channel:LAYER:C or neuron:LAYER:C:Y:X. Class
// and unit indices are checked against classes and units here; layers,
// channels and positions when the model is built (they depend on its
// shape).
func ParseObjective(spec string, classes, units int) ([]Target, error) {
	var out []Target
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		f := strings.Split(part, ":")
		nums := func(from int) ([]int, bool) {
			var v []int
			for _, s := range f[from:] {
				k, err := strconv.Atoi(s)
				if err != nil || k < 0 {
					return nil, false
				}
				v = append(v, k)
			}
			return v, true
		}
		bad := fmt.Errorf("--objective %q: want class:K, prob:K, unit:U, channel:LAYER:C or neuron:LAYER:C:Y:X (non-negative integers)", part)
		var t Target
		switch {
		case len(f) == 2 && (f[0] == "class" || f[0] == "prob" || f[0] == "unit"):
			v, ok := nums(1)
			if !ok {
				return nil, bad
			}
			t = Target{Kind: f[0], Index: v[0]}
			limit := classes
			if f[0] == "unit" {
				limit = units
			}
			if t.Index >= limit {
				return nil, fmt.Errorf("--objective %q: %s %d does not exist (allowed: 0..%d)", part, f[0], t.Index, limit-1)
			}
		case len(f) == 3 && f[0] == "channel":
			v, ok := nums(2)
			if !ok {
				return nil, bad
			}
			t = Target{Kind: "channel", Layer: f[1], Index: v[0]}
		case len(f) == 5 && f[0] == "neuron":
			v, ok := nums(2)
			if !ok {
				return nil, bad
			}
			t = Target{Kind: "neuron", Layer: f[1], Index: v[0], Y: v[1], X: v[2]}
		default:
			return nil, bad
		}
		out = append(out, t)
	}
	return out, nil
}

// targetsOf turns the older flags into targets: each of --units as unit:U,
// or each of --classes (all classes when empty) as class:K.
func targetsOf(classes, units string, nClasses, nUnits int) ([]Target, error) {
	kind, spec, limit := "class", classes, nClasses
	if strings.TrimSpace(units) != "" {
		kind, spec, limit = "unit", units, nUnits
	}
	idx, err := parseList(spec, limit, kind)
	if err != nil {
		return nil, err
	}
	out := make([]Target, len(idx))
	for i, k := range idx {
		out[i] = Target{Kind: kind, Index: k}
	}
	return out, nil
}
