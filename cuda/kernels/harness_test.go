//go:build cudacpu

package kernels

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"genxai/engine"
)

// The CPU harness (layer 3 of docs/cuda.md): the .cu text built by g++
// against cpu/cudacpu.h under AddressSanitizer and UBSan, one process per
// test binary, driven over pipes.

// harness is a running harness process.
type harness struct {
	cmd    *exec.Cmd
	w      *bufio.Writer
	r      *bufio.Reader
	stderr *bytes.Buffer
	params map[string][]Param
}

var (
	harnessOnce sync.Once
	harnessRun  *harness
	harnessErr  error
	harnessDir  string
)

// harnessChains are the generated chains linked into the harness.
func harnessChains() []*engine.Chain {
	c := engine.NewChain(engine.Full, engine.Row)
	c.Output(c.Unary(engine.OpTanh, c.Binary(engine.OpAdd, 0, 1)))
	return append(opChains(), c)
}

// startHarness builds and starts the harness once per test binary; it
// skips the test when g++ is absent.
func startHarness(t *testing.T) *harness {
	t.Helper()
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ absent: the CPU execution of the CUDA kernels is skipped (apt-get install g++)")
	}
	harnessOnce.Do(func() { harnessRun, harnessErr = buildHarness() })
	if harnessErr != nil {
		t.Fatal(harnessErr)
	}
	return harnessRun
}

// dispatchArg is the C expression passing argument k of kind kind.
func dispatchArg(kind ParamKind, k int) string {
	switch kind {
	case In, Out:
		return fmt.Sprintf("a.F(%d)", k)
	case I32:
		return fmt.Sprintf("a.a[%d].i", k)
	case I64:
		return fmt.Sprintf("a.a[%d].I", k)
	case U32:
		return fmt.Sprintf("a.a[%d].u", k)
	case F32:
		return fmt.Sprintf("a.a[%d].s", k)
	case F64:
		return fmt.Sprintf("a.a[%d].D", k)
	case F64In, F64Out:
		return fmt.Sprintf("a.D(%d)", k)
	case PtrIn:
		return fmt.Sprintf("a.P(%d)", k)
	case U32In: // passed as float32 bit patterns
		return fmt.Sprintf("(const u32*)a.F(%d)", k)
	}
	return fmt.Sprintf("a.L(%d)", k)
}

func buildHarness() (*harness, error) {
	dir, err := os.MkdirTemp("", "genxai-cudacpu-")
	if err != nil {
		return nil, err
	}
	harnessDir = dir
	params := map[string][]Param{}
	var units, disp strings.Builder
	for _, u := range Units() {
		units.WriteString(u.Source)
	}
	for _, k := range Table {
		params[k.Name] = k.Params
	}
	for _, c := range harnessChains() {
		units.WriteString(ChainSource(c))
		params[ChainKernelName(c)] = ChainParams(c)
	}
	disp.WriteString("std::function<void()> dispatch(const std::string& name, Args& a) {\n")
	for name, ps := range params {
		args := make([]string, len(ps))
		for i, p := range ps {
			args[i] = dispatchArg(p.Kind, i)
		}
		fmt.Fprintf(&disp, "  if (name == %q) return [&a] { %s(%s); };\n", name, name, strings.Join(args, ", "))
	}
	disp.WriteString("  return nullptr;\n}\n")
	header, err := os.ReadFile("cpu/cudacpu.h")
	if err != nil {
		return nil, err
	}
	main, err := os.ReadFile("cpu/harness.cpp")
	if err != nil {
		return nil, err
	}
	for name, text := range map[string]string{"cudacpu.h": string(header), "harness.cpp": string(main),
		"units.inc": units.String(), "dispatch.inc": disp.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	bin := filepath.Join(dir, "harness")
	start := time.Now()
	cc := exec.Command("g++", "-std=c++17", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
		"-ffp-contract=off", "-fno-omit-frame-pointer", "-Wall", "-Wno-unused-function", "-o", bin, "harness.cpp")
	cc.Dir = dir
	if out, err := cc.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the CPU harness with g++ in %s: %v\n%s", dir, err, out)
	}
	buildTime = time.Since(start)
	h := &harness{cmd: exec.Command(bin), stderr: &bytes.Buffer{}, params: params}
	h.cmd.Stderr = h.stderr
	// Fibers switch stacks: tell ASan not to treat that as stack overflow.
	h.cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0")
	in, err := h.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := h.cmd.Start(); err != nil {
		return nil, err
	}
	h.w, h.r = bufio.NewWriter(in), bufio.NewReader(out)
	return h, nil
}

var buildTime time.Duration

func TestMain(m *testing.M) {
	code := m.Run()
	if harnessRun != nil {
		harnessRun.cmd.Process.Kill()
		harnessRun.cmd.Wait()
	}
	if harnessDir != "" {
		os.RemoveAll(harnessDir)
	}
	os.Exit(code)
}

// call launches kernel name over l in the given thread order; buffer
// arguments ([]float32, []float64, [][]float32) receive the kernel's
// results in place. The arguments' Go types are checked against the
// kernel's parameters.
func (h *harness) call(t *testing.T, name string, l Launch, reverse bool, args ...any) {
	t.Helper()
	ps, ok := h.params[name]
	if !ok || len(ps) != len(args) {
		t.Fatalf("harness: kernel %s takes %d parameters, got %d arguments", name, len(ps), len(args))
	}
	le := binary.LittleEndian
	w := h.w
	put := func(v any) { binary.Write(w, le, v) }
	put(uint32(len(name)))
	w.WriteString(name)
	for _, v := range l.Grid {
		put(uint32(v))
	}
	for _, v := range l.Block {
		put(uint32(v))
	}
	put(map[bool]uint32{false: 0, true: 1}[reverse])
	put(uint32(len(args)))
	for i, a := range args {
		want := map[ParamKind]string{In: "f", Out: "f", I32: "i", I64: "I", U32: "u", F32: "s", F64: "D",
			F64In: "d", F64Out: "d", PtrIn: "p", I64In: "l", U32In: "f"}[ps[i].Kind]
		var tag string
		switch v := a.(type) {
		case []float32:
			tag = "f"
			put(byte('f'))
			put(uint64(len(v)))
			put(v)
		case []float64:
			tag = "d"
			put(byte('d'))
			put(uint64(len(v)))
			put(v)
		case []int64:
			tag = "l"
			put(byte('l'))
			put(uint64(len(v)))
			put(v)
		case [][]float32:
			tag = "p"
			put(byte('p'))
			put(uint32(len(v)))
			for _, b := range v {
				put(byte('f'))
				put(uint64(len(b)))
				put(b)
			}
		case int32:
			tag = "i"
			put(byte('i'))
			put(v)
		case int64:
			tag = "I"
			put(byte('I'))
			put(v)
		case uint32:
			tag = "u"
			put(byte('u'))
			put(v)
		case float32:
			tag = "s"
			put(byte('s'))
			put(v)
		case float64:
			tag = "D"
			put(byte('D'))
			put(v)
		}
		if tag != want {
			t.Fatalf("harness: %s argument %d (%s) is a %T, the kernel takes %s", name, i, ps[i].Name, a, ps[i].Kind.CType())
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("harness: writing %s: %v; its stderr:\n%s", name, err, h.stderr)
	}
	var status uint32
	if err := binary.Read(h.r, le, &status); err != nil {
		t.Fatalf("harness died running %s (%v); its stderr:\n%s", name, err, h.stderr)
	}
	if status != 0 {
		msg := make([]byte, status)
		h.r.Read(msg)
		t.Fatalf("harness: %s", msg)
	}
	for _, a := range args {
		var err error
		switch v := a.(type) {
		case []float32, []float64:
			err = binary.Read(h.r, le, v)
		case [][]float32:
			for _, b := range v {
				if err == nil {
					err = binary.Read(h.r, le, b)
				}
			}
		}
		if err != nil {
			t.Fatalf("harness: reading %s's results: %v; stderr:\n%s", name, err, h.stderr)
		}
	}
}

// cloneArgs copies the buffer arguments (the others are values).
func cloneArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case []float32:
			out[i] = append([]float32(nil), v...)
		case []float64:
			out[i] = append([]float64(nil), v...)
		case [][]float32:
			c := make([][]float32, len(v))
			for j := range v {
				c[j] = append([]float32(nil), v[j]...)
			}
			out[i] = c
		default:
			out[i] = a
		}
	}
	return out
}

// sameBits fails the test where a float32 argument of two runs of a kernel
// differs in bits; how names the second run.
func sameBits(t *testing.T, name, how string, args, other []any) {
	t.Helper()
	for i, a := range args {
		if f, ok := a.([]float32); ok {
			if j := diffBits(f, other[i].([]float32)); j >= 0 {
				t.Fatalf("%s: argument %d differs %s at %d: %v, then %v", name, i, how, j, f[j], other[i].([]float32)[j])
			}
		}
	}
}

// both runs the kernel in forward and reversed thread order on copies of
// the buffers, requires the same bits from both and leaves the forward
// run's results in the arguments.
func (h *harness) both(t *testing.T, name string, l Launch, args ...any) {
	t.Helper()
	if l.Empty() {
		return
	}
	rev := cloneArgs(args)
	h.call(t, name, l, false, args...)
	h.call(t, name, l, true, rev...)
	sameBits(t, name, "between thread orders", args, rev)
}

// gridded runs an Elements kernel over n in both thread orders with the
// rule's launch and again with a grid of two blocks, so that the
// grid-stride loop covers several values per thread; it requires the same
// bits from both launches and leaves the rule's results in the arguments.
func (h *harness) gridded(t *testing.T, name string, n int, args ...any) {
	t.Helper()
	l := Elements.Launch(n)
	capped := cloneArgs(args)
	h.both(t, name, l, args...)
	if l.Grid[0] > 2 {
		l.Grid[0] = 2
		h.both(t, name, l, capped...)
		sameBits(t, name, "between the rule's grid and a grid of 2 blocks", args, capped)
	}
}

// diffBits returns the first index where a and b differ in bits (NaNs
// equal), or −1.
func diffBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}
