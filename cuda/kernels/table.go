package kernels

// ParamKind is the C type of a kernel parameter, for packing launch
// arguments (and for the CPU harness's argument decoding).
type ParamKind uint8

// The parameter kinds.
const (
	In     ParamKind = iota // const float*
	Out                     // float* written (or accumulated)
	I32                     // int
	I64                     // long long
	U32                     // unsigned int
	F32                     // float
	F64                     // double
	F64Out                  // double* written (scratch)
	F64In                   // const double*
	PtrIn                   // const float* const* (a device table of buffers)
	I64In                   // const long long*
	U32In                   // const unsigned int* (per-step words, e.g. random_fill's key)
)

// CType is the parameter's C type.
func (k ParamKind) CType() string {
	return [...]string{"const float*", "float*", "int", "i64", "u32", "float", "double", "double*", "const double*",
		"const float* const*", "const i64*", "const u32*"}[k]
}

// Param is one kernel parameter.
type Param struct {
	Name string
	Kind ParamKind
}

// Kernel is one __global__ function of a fixed unit.
type Kernel struct {
	Name   string
	Unit   string
	Params []Param
	// Rule is how its grid and block are shaped (see Rule.Launch).
	Rule Rule
}

func ps(spec ...any) []Param {
	out := make([]Param, 0, len(spec)/2)
	for i := 0; i < len(spec); i += 2 {
		out = append(out, Param{spec[i].(string), spec[i+1].(ParamKind)})
	}
	return out
}

// Table lists every kernel of the fixed units with its parameters, in the
// order of the .cu sources.
var Table = []Kernel{
	{"strided_copy", "elementwise", ps("src", In, "dst", Out, "d0", I32, "d1", I32, "d2", I32, "d3", I32,
		"s0", I64, "s1", I64, "s2", I64, "s3", I64, "t0", I64, "t1", I64, "t2", I64, "t3", I64,
		"soff", I64, "doff", I64, "add", I32), Elements},
	{"random_fill", "elementwise", ps("out", Out, "n", I64, "kind", I32, "tensor", U32, "key", U32In,
		"a", F64, "b", F64), Elements},
	{"update_sgd", "elementwise", ps("w", Out, "g", In, "vel", Out, "scale", In, "n", I64,
		"wd", F32, "mu", F32, "step", In), Elements},
	{"update_adam", "elementwise", ps("w", Out, "g", In, "m", Out, "v", Out, "scale", In, "n", I64,
		"wd", F32, "b1", F32, "b2", F32, "eps", F32, "step", In, "decoupled", I32), Elements},
	{"running_stats", "elementwise", ps("rm", Out, "rv", Out, "mean", In, "var", In, "c", I32,
		"momentum", F32, "count", I64), Elements},
	{"batch_norm", "elementwise", ps("x", In, "mean", In, "var", In, "gamma", In, "beta", In,
		"n", I32, "c", I32, "s", I32, "eps", F32, "y", Out, "rstd", Out), Elements},

	{"reduce_rows", "reduce", ps("x", In, "y", Out, "outer", I32, "axis", I64, "op", I32), Rows},
	{"reduce_cols", "reduce", ps("x", In, "y", Out, "outer", I32, "axis", I64, "inner", I64, "op", I32), Columns32},
	{"bn_stats", "reduce", ps("x", In, "n", I32, "c", I32, "s", I32, "mean", Out, "var", Out), Rows},
	{"bn_grad", "reduce", ps("dy", In, "x", In, "mean", In, "rstd", In, "gamma", In, "n", I32, "c", I32,
		"s", I32, "dx", Out, "dgamma", Out, "dbeta", Out), Rows},
	{"clip_sumsq", "reduce", ps("ptrs", PtrIn, "lens", I64In, "nbuf", I32, "partial", F64Out), ClipGrid},
	{"clip_finish", "reduce", ps("partial", F64In, "parts", I32, "max_norm", F64, "out", Out), OneWarp},

	{"softmax", "softmax", ps("x", In, "rows", I32, "cols", I32, "y", Out), Rows},
	{"log_softmax", "softmax", ps("x", In, "rows", I32, "cols", I32, "y", Out), Rows},
	{"softmax_grad", "softmax", ps("y", In, "dy", In, "rows", I32, "cols", I32, "dx", Out), Rows},
	{"log_softmax_grad", "softmax", ps("y", In, "dy", In, "rows", I32, "cols", I32, "dx", Out), Rows},

	{"layer_norm", "layernorm", ps("x", In, "gamma", In, "beta", In, "rows", I32, "cols", I32, "eps", F32,
		"y", Out, "mean", Out, "rstd", Out), Rows},
	{"layer_norm_dx", "layernorm", ps("dy", In, "x", In, "gamma", In, "mean", In, "rstd", In, "rows", I32,
		"cols", I32, "dx", Out), Rows},
	{"layer_norm_params", "layernorm", ps("dy", In, "x", In, "mean", In, "rstd", In, "rows", I32, "cols", I32,
		"dgamma", Out, "dbeta", Out), Elements},

	{"gemm", "gemm", ps("trans_a", I32, "trans_b", I32, "m", I32, "n", I32, "k", I32, "alpha", F32,
		"a", In, "stride_a", I64, "b", In, "stride_b", I64, "beta", F32, "c", Out, "stride_c", I64), Tiles16},

	{"im2col", "conv", ps("x", In, "cols", Out, "n", I32, "c", I32, "h", I32, "w", I32, "kh", I32, "kw", I32,
		"stride", I32, "pad", I32), Elements},
	{"col2im", "conv", ps("cols", In, "x", Out, "n", I32, "c", I32, "h", I32, "w", I32, "kh", I32, "kw", I32,
		"stride", I32, "pad", I32), Elements},

	{"max_pool", "pool", ps("x", In, "planes", I32, "h", I32, "w", I32, "k", I32, "y", Out), Elements},
	{"max_pool_grad", "pool", ps("x", In, "y", In, "dy", In, "planes", I32, "h", I32, "w", I32, "k", I32,
		"dx", Out), Elements},
	{"upsample", "pool", ps("x", In, "planes", I32, "h", I32, "w", I32, "k", I32, "y", Out), Elements},
	{"upsample_grad", "pool", ps("dy", In, "planes", I32, "h", I32, "w", I32, "k", I32, "dx", Out), Elements},

	{"gather", "gather", ps("table", In, "vocab", I32, "dim", I32, "ids", In, "n", I32, "out", Out), Elements},
	{"scatter_add", "gather", ps("dout", In, "ids", In, "n", I32, "table", Out, "vocab", I32, "dim", I32), Elements},
}

var byName = func() map[string]Kernel {
	m := make(map[string]Kernel, len(Table))
	for _, k := range Table {
		m[k.Name] = k
	}
	return m
}()

// Lookup returns the kernel called name.
func Lookup(name string) (Kernel, bool) {
	k, ok := byName[name]
	return k, ok
}
