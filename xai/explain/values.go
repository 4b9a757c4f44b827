package explain

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
)

// Values returns the float32 values node n holds after a run. An executor
// reuses the memory of intermediate nodes, so n must have been marked with
// Net.Keep before the executor was built (models.Run.Executor keeps a Net's
// kept nodes); see nets/gorgonia.go.
func Values(n *G.Node) ([]float32, error) {
	v := engine.Float32s(n)
	if v == nil {
		return nil, fmt.Errorf("node %s holds no float32 values (did the graph run?)", n.Name())
	}
	return v, nil
}
