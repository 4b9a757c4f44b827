// Package kernels holds the CUDA C++ sources of the engine's kernel set
// (engine.Backend), embedded, with the table of kernels the CUDA backend
// launches: each kernel's compiled unit, parameters and launch-shape rule,
// and a content hash per unit for the on-disk cache of compiled code.
//
// The sources use no CUDA header: the helpers they need (warp and block
// reductions over __shfl_xor_sync, the engine.ReduceChunk summation order)
// are in src/prelude.cuh, which every unit starts with. Elementwise chains
// are generated per chain (ChainSource). Every kernel follows engine/cpu's
// operation order; compiled with Options (--fmad=false, IEEE division and
// square root) the elementwise kernels, the chunk-ordered reductions, the
// optimizer and the layer kernels (im2col and col2im, pooling, upsampling,
// gather and scatter-add) give engine/cpu's bits, the row kernels (softmax,
// layer norm statistics) agree within float32 rounding (see docs/cuda.md).
package kernels

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"sort"

	"genxai/engine"
)

//go:embed src/*.cu src/*.cuh
var sources embed.FS

// Options are the NVRTC options every unit is compiled with besides the
// architecture: no fused multiply-add contraction and IEEE-rounded division
// and square root, so the arithmetic is engine/cpu's operation by operation.
var Options = []string{"--fmad=false", "--prec-div=true", "--prec-sqrt=true", "-std=c++17"}

// Unit is one compilation unit: a module the backend loads.
type Unit struct {
	// Name is the unit's name ("reduce", "chain_1a2b3c4d5e6f").
	Name string
	// Source is the complete text NVRTC compiles (chunk define, prelude, body).
	Source string
}

// Hash is the hex SHA-256 of the unit's source: the on-disk cache key (with
// the options and the NVRTC version, which the cache adds).
func (u Unit) Hash() string {
	h := sha256.Sum256([]byte(u.Source))
	return hex.EncodeToString(h[:])
}

// header is what every unit starts with: the summation block of the engine
// and the prelude.
func header() string {
	return fmt.Sprintf("#define GENXAI_REDUCE_CHUNK %d\n", engine.ReduceChunk) + mustRead("prelude.cuh")
}

func mustRead(name string) string {
	b, err := sources.ReadFile("src/" + name)
	if err != nil {
		panic("kernels: embedded source " + name + " missing: " + err.Error())
	}
	return string(b)
}

// unitNames are the fixed units, one per .cu file.
var unitNames = []string{"elementwise", "reduce", "softmax", "layernorm", "gemm", "conv", "pool", "gather"}

// Units returns the fixed units (everything but the generated chains), in
// a stable order.
func Units() []Unit {
	us := make([]Unit, len(unitNames))
	for i, n := range unitNames {
		us[i] = Unit{Name: n, Source: header() + mustRead(n+".cu")}
	}
	return us
}

// UnitOf returns the fixed unit that defines kernel name.
func UnitOf(name string) (Unit, error) {
	k, ok := byName[name]
	if !ok {
		return Unit{}, fmt.Errorf("kernels: no kernel %q (known: %v)", name, Names())
	}
	return Unit{Name: k.Unit, Source: header() + mustRead(k.Unit+".cu")}, nil
}

// Names lists the kernels of the fixed units, sorted.
func Names() []string {
	out := make([]string, 0, len(byName))
	for n := range byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
