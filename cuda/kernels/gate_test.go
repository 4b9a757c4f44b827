package kernels

import (
	"fmt"
	"testing"

	"genxai/cuda/nvrtc"
	"genxai/engine"
)

// registerBudget is the most registers each kernel may use on sm_90; a
// change that raises one must raise it here, knowingly. Numbers are the
// ptxas reports of NVRTC 11.8 with Options plus a margin (docs/cuda.md).
var registerBudget = map[string]int{
	"strided_copy": 40, "random_fill": 56, "update_sgd": 32, "update_adam": 40,
	"running_stats": 24, "batch_norm": 40,
	"reduce_rows": 40, "reduce_cols": 40, "bn_stats": 40, "bn_grad": 48,
	"clip_sumsq": 40, "clip_finish": 40,
	"softmax": 32, "log_softmax": 24, "softmax_grad": 24, "log_softmax_grad": 24,
	"layer_norm": 32, "layer_norm_dx": 40, "layer_norm_params": 40,
	"gemm": 40, "im2col": 40, "col2im": 48,
	"max_pool": 40, "max_pool_grad": 40, "upsample": 40, "upsample_grad": 40,
	"gather": 40, "scatter_add": 32,
}

// chainBudget is the register budget of a generated chain.
const chainBudget = 64

// maxStaticShared is the static shared memory a kernel may declare.
const maxStaticShared = 48 << 10

// opChains returns one chain per primitive operation, over inputs of all
// four broadcasts, so every op's CUDA form and every load is compiled.
func opChains() []*engine.Chain {
	var out []*engine.Chain
	for op := engine.OpConst; op <= engine.OpWhere; op++ {
		c := engine.NewChain(engine.Full, engine.Row, engine.Column, engine.One)
		var r int
		switch op.Arity() {
		case 0:
			r = c.Binary(engine.OpAdd, c.Const(0.5), 0)
		case 1:
			r = c.Unary(op, 1)
		case 2:
			r = c.Binary(op, 0, 2)
		default:
			r = c.Where(c.Binary(engine.OpLess, 0, 3), 1, 2)
		}
		c.Output(r, c.Binary(engine.OpMul, r, 0))
		out = append(out, c)
	}
	return out
}

// TestNVRTCGate compiles every unit and a chain of every op to compute_90
// PTX and to sm_90 CUBIN with ptxas's report, and fails on a compile error,
// a spill, too much static shared memory or registers over budget.
func TestNVRTCGate(t *testing.T) {
	if err := nvrtc.Load(); err != nil {
		t.Skipf("NVRTC gate skipped, libnvrtc absent (Debian non-free: apt-get install libnvrtc11.2 libnvrtc-builtins11.8): %v", err)
	}
	units := Units()
	for _, c := range opChains() {
		units = append(units, ChainUnit(c))
	}
	seen := map[string]bool{}
	for _, u := range units {
		opts := append([]string{"--gpu-architecture=compute_90"}, Options...)
		if _, err := nvrtc.Compile(u.Name+".cu", u.Source, opts); err != nil {
			t.Errorf("PTX: %v", err)
			continue
		}
		opts = append([]string{"--gpu-architecture=sm_90", "-Xptxas=-v"}, Options...)
		out, err := nvrtc.Compile(u.Name+".cu", u.Source, opts)
		if err != nil {
			t.Errorf("CUBIN: %v", err)
			continue
		}
		us, err := nvrtc.ParseUsage(out.Log)
		if err != nil {
			t.Errorf("%s: %v", u.Name, err)
			continue
		}
		for _, k := range us {
			seen[k.Kernel] = true
			budget, ok := registerBudget[k.Kernel]
			if !ok && len(k.Kernel) > 6 && k.Kernel[:6] == "chain_" {
				budget, ok = chainBudget, true
			}
			t.Logf("%-18s %-24s %3d registers (budget %2d), %5d B static shared, %3d B stack, spills %d/%d",
				u.Name, k.Kernel, k.Registers, budget, k.SharedBytes, k.StackBytes, k.SpillStores, k.SpillLoads)
			switch {
			case !ok:
				t.Errorf("%s: kernel %s has no register budget in registerBudget", u.Name, k.Kernel)
			case k.SpillStores > 0 || k.SpillLoads > 0:
				t.Errorf("%s: %s spills (%d B stores, %d B loads)", u.Name, k.Kernel, k.SpillStores, k.SpillLoads)
			case k.SharedBytes > maxStaticShared:
				t.Errorf("%s: %s declares %d B of static shared memory, over %d", u.Name, k.Kernel, k.SharedBytes, maxStaticShared)
			case k.Registers > budget:
				t.Errorf("%s: %s uses %d registers, over its budget of %d", u.Name, k.Kernel, k.Registers, budget)
			}
		}
	}
	for _, k := range Table {
		if !seen[k.Name] {
			t.Errorf("kernel %s of Table was not in any compiled unit", k.Name)
		}
	}
	if t.Failed() {
		fmt.Println("see docs/cuda.md for the gate's rules")
	}
}
