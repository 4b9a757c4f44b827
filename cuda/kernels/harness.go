//go:build cudacpu

package kernels

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"genxai/engine"
)

// The CPU harness (layer 3 of docs/cuda.md): the .cu text built by g++
// against cpu/cudacpu.h under AddressSanitizer and UBSan, run as a child
// process and driven over pipes. It is behind the build tag cudacpu, which
// the kernel tests (package kernels) and the whole-step tests on the fake
// driver (cuda/fakecuda/cukernels) use.

//go:embed cpu/cudacpu.h cpu/harness.cpp
var harnessFiles embed.FS

// Harness is a running CPU harness: the fixed units and a set of generated
// chains, linked into one binary. Its methods may be called from several
// goroutines; requests run one at a time.
type Harness struct {
	// BuildTime is how long g++ took.
	BuildTime time.Duration

	mu     sync.Mutex
	cmd    *exec.Cmd
	w      *bufio.Writer
	r      *bufio.Reader
	stderr *bytes.Buffer
	dir    string
	params map[string][]Param
	err    error // the first broken request: the process is then unusable
}

// Ref is a pointer argument: byte Off of allocation Alloc of a request's
// memory, or the null pointer when Alloc is −1. A table of pointers (a PtrIn
// parameter) is a []Ref.
type Ref struct {
	Alloc int
	Off   int64
}

// BuildHarness writes the fixed units and chains (duplicates by kernel
// name are linked once) with a dispatch table into a temporary folder,
// builds them with g++ -O1 under ASan and UBSan (-ffp-contract=off, as
// kernels.Options keeps NVRTC from fusing multiply-adds) and starts the
// binary. It needs g++ on the PATH; Close ends the process and removes the
// folder.
func BuildHarness(chains []*engine.Chain) (*Harness, error) {
	if _, err := exec.LookPath("g++"); err != nil {
		return nil, fmt.Errorf("the CPU harness needs g++ (apt-get install g++): %w", err)
	}
	dir, err := os.MkdirTemp("", "genxai-cudacpu-")
	if err != nil {
		return nil, err
	}
	h := &Harness{dir: dir, params: map[string][]Param{}, stderr: &bytes.Buffer{}}
	if err := h.build(chains); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return h, nil
}

// build writes the sources, compiles them and starts the process.
func (h *Harness) build(chains []*engine.Chain) error {
	var units strings.Builder
	for _, u := range Units() {
		units.WriteString(u.Source)
	}
	for _, k := range Table {
		h.params[k.Name] = k.Params
	}
	for _, c := range chains {
		if name := ChainKernelName(c); h.params[name] == nil {
			units.WriteString(ChainSource(c))
			h.params[name] = ChainParams(c)
		}
	}
	files := map[string]string{"units.inc": units.String(), "dispatch.inc": h.dispatch()}
	for _, name := range []string{"cudacpu.h", "harness.cpp"} {
		b, err := harnessFiles.ReadFile("cpu/" + name)
		if err != nil {
			return err
		}
		files[name] = string(b)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(h.dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	bin := filepath.Join(h.dir, "harness")
	start := time.Now()
	cc := exec.Command("g++", "-std=c++17", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
		"-ffp-contract=off", "-fno-omit-frame-pointer", "-Wall", "-Wno-unused-function", "-o", bin, "harness.cpp")
	cc.Dir = h.dir
	if out, err := cc.CombinedOutput(); err != nil {
		return fmt.Errorf("building the CPU harness with g++ in %s: %v\n%s", h.dir, err, out)
	}
	h.BuildTime = time.Since(start)
	h.cmd = exec.Command(bin)
	h.cmd.Stderr = h.stderr
	// Fibers switch stacks: tell ASan not to treat that as stack overflow.
	h.cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0")
	in, err := h.cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := h.cmd.Start(); err != nil {
		return err
	}
	h.w, h.r = bufio.NewWriter(in), bufio.NewReader(out)
	return nil
}

// dispatch is the C++ function mapping a kernel name to a call of it with
// the request's arguments, in sorted order so the text is reproducible.
func (h *Harness) dispatch() string {
	names := make([]string, 0, len(h.params))
	for name := range h.params {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("std::function<void()> dispatch(const std::string& name, Args& a) {\n")
	for _, name := range names {
		ps := h.params[name]
		args := make([]string, len(ps))
		for i, p := range ps {
			args[i] = dispatchArg(p.Kind, i)
		}
		fmt.Fprintf(&b, "  if (name == %q) return [&a] { %s(%s); };\n", name, name, strings.Join(args, ", "))
	}
	b.WriteString("  return nullptr;\n}\n")
	return b.String()
}

// dispatchArg is the C expression passing argument k of kind kind.
func dispatchArg(kind ParamKind, k int) string {
	return fmt.Sprintf(dispatchExpr[kind], k)
}

// dispatchExpr is, per parameter kind, the C expression reading argument
// %d of a request (harness.cpp's Args).
var dispatchExpr = [...]string{
	In: "a.F(%d)", Out: "a.F(%d)", U32In: "(const u32*)a.F(%d)", F64In: "a.D(%d)", F64Out: "a.D(%d)",
	I64In: "a.L(%d)", PtrIn: "a.P(%d)",
	I32: "a.a[%d].i", I64: "a.a[%d].I", U32: "a.a[%d].u", F32: "a.a[%d].s", F64: "a.a[%d].D",
}

// Params returns the parameters of kernel name and whether the harness
// links it.
func (h *Harness) Params(name string) ([]Param, bool) {
	ps, ok := h.params[name]
	return ps, ok
}

// Run launches kernel name over l in forward or reversed thread order on
// mem, the request's device memory: args are the kernel's arguments in
// parameter order, a Ref for each pointer parameter, a []Ref for a PtrIn
// table, and int32, int64, uint32, float32 or float64 for the scalars (I32,
// I64, U32, F32, F64). After it returns without error mem holds the
// kernel's results in place. A crash of the harness (an ASan or UBSan
// report, a barrier or shuffle misuse) is returned with its stderr and ends
// the harness.
func (h *Harness) Run(name string, l Launch, reverse bool, mem [][]byte, args []any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return h.err
	}
	ps, ok := h.params[name]
	if !ok {
		return fmt.Errorf("harness: kernel %s is not linked into the harness (a chain must be given to BuildHarness)", name)
	}
	if len(ps) != len(args) {
		return fmt.Errorf("harness: kernel %s takes %d parameters, got %d arguments", name, len(ps), len(args))
	}
	var req bytes.Buffer
	le := binary.LittleEndian
	put := func(v any) { binary.Write(&req, le, v) }
	put(uint32(len(name)))
	req.WriteString(name)
	for _, v := range l.Grid {
		put(uint32(v))
	}
	for _, v := range l.Block {
		put(uint32(v))
	}
	put(map[bool]uint32{false: 0, true: 1}[reverse])
	put(uint32(len(mem)))
	for _, m := range mem {
		put(uint64(len(m)))
		req.Write(m)
	}
	put(uint32(len(args)))
	ref := func(r Ref) {
		if r.Alloc < -1 || r.Alloc >= len(mem) {
			r.Alloc = len(mem) // refused by the harness with a message
		}
		put(uint32(r.Alloc))
		put(r.Off)
	}
	// scalar writes v with its tag; the parameter must be of kind want.
	scalar := func(tag byte, want, kind ParamKind, v any) bool {
		put(tag)
		put(v)
		return kind == want
	}
	for i, a := range args {
		ok := false
		switch v := a.(type) {
		case Ref:
			ok = strings.HasSuffix(ps[i].Kind.CType(), "*") && ps[i].Kind != PtrIn
			put(byte('a'))
			ref(v)
		case []Ref:
			ok = ps[i].Kind == PtrIn
			put(byte('p'))
			put(uint32(len(v)))
			for _, r := range v {
				ref(r)
			}
		case int32:
			ok = scalar('i', I32, ps[i].Kind, v)
		case int64:
			ok = scalar('I', I64, ps[i].Kind, v)
		case uint32:
			ok = scalar('u', U32, ps[i].Kind, v)
		case float32:
			ok = scalar('s', F32, ps[i].Kind, v)
		case float64:
			ok = scalar('D', F64, ps[i].Kind, v)
		}
		if !ok {
			return fmt.Errorf("harness: %s argument %d (%s) is a %T, the kernel takes %s", name, i, ps[i].Name, a, ps[i].Kind.CType())
		}
	}
	return h.exchange(name, req.Bytes(), mem)
}

// exchange sends one request and reads its reply into mem.
func (h *Harness) exchange(name string, req []byte, mem [][]byte) error {
	broken := func(what string, err error) error {
		h.err = fmt.Errorf("harness %s %s (%v); its stderr:\n%s", what, name, err, h.stderr)
		return h.err
	}
	if _, err := h.w.Write(req); err != nil {
		return broken("could not be sent", err)
	}
	if err := h.w.Flush(); err != nil {
		return broken("could not be sent", err)
	}
	var status uint32
	if err := binary.Read(h.r, binary.LittleEndian, &status); err != nil {
		return broken("died running", err)
	}
	if status != 0 {
		msg := make([]byte, status)
		if _, err := io.ReadFull(h.r, msg); err != nil {
			return broken("died refusing", err)
		}
		return fmt.Errorf("%s", msg)
	}
	for _, m := range mem {
		if _, err := io.ReadFull(h.r, m); err != nil {
			return broken("died returning the results of", err)
		}
	}
	return nil
}

// Close ends the harness process and removes its folder.
func (h *Harness) Close() {
	if h.cmd != nil && h.cmd.Process != nil {
		h.cmd.Process.Kill()
		h.cmd.Wait()
	}
	os.RemoveAll(h.dir)
}
