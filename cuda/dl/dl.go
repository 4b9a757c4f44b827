// Package dl finds and opens the NVIDIA libraries genxai calls at run time
// (libcuda, libcublas, libnvrtc) without cgo, through purego's dlopen.
//
// A library is looked for under each of its sonames (newest first), first by
// bare name over the dynamic loader's own path (LD_LIBRARY_PATH, ld.so.cache),
// then in the directories Dirs lists. When nothing opens, the error names every
// path that was tried, in one line, so a user can see what to install or set.
package dl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ebitengine/purego"
)

// Library is an opened shared library.
type Library struct {
	// Path is the name or path that opened it.
	Path   string
	handle uintptr
}

// Handle is the dlopen handle, for purego.RegisterLibFunc.
func (l *Library) Handle() uintptr { return l.handle }

// Bind binds the C function symbol to fn (a pointer to a Go func variable). A
// missing symbol is an error naming the library, not a panic.
func (l *Library) Bind(fn any, symbol string) (err error) {
	if _, err := purego.Dlsym(l.handle, symbol); err != nil {
		return fmt.Errorf("%s has no function %s (is the library too old?)", l.Path, symbol)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("binding %s from %s: %v", symbol, l.Path, r)
		}
	}()
	purego.RegisterLibFunc(fn, l.handle, symbol)
	return nil
}

// Dirs returns the directories searched after the loader's path, in order:
// $GENXAI_CUDA_LIBS (a colon-separated list), $CUDA_PATH/lib64,
// /usr/local/cuda/lib64 and /usr/local/nvidia/lib64 (and lib of each).
func Dirs() []string {
	var dirs []string
	if v := os.Getenv("GENXAI_CUDA_LIBS"); v != "" {
		dirs = append(dirs, filepath.SplitList(v)...)
	}
	for _, root := range []string{os.Getenv("CUDA_PATH"), "/usr/local/cuda", "/usr/local/nvidia"} {
		if root != "" {
			dirs = append(dirs, filepath.Join(root, "lib64"), filepath.Join(root, "lib"))
		}
	}
	return dirs
}

// ErrNotFound is wrapped by Open's error when no candidate could be opened.
var ErrNotFound = errors.New("library not found")

// Open opens the first of names (sonames, newest first) that loads, trying
// each bare name over the loader's path and then in every directory of Dirs.
// The error lists everything tried and the last loader message.
func Open(what string, names ...string) (*Library, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("%s: loading NVIDIA libraries is implemented for Linux only, this is %s: %w", what, runtime.GOOS, ErrNotFound)
	}
	var last string
	try := func(path string) *Library {
		// dlerror's message is per OS thread: pin the goroutine so the message
		// read after a failed dlopen is this call's.
		runtime.LockOSThread()
		h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		runtime.UnlockOSThread()
		if err != nil {
			last = err.Error()
			return nil
		}
		return &Library{Path: path, handle: h}
	}
	for _, n := range names {
		if l := try(n); l != nil {
			return l, nil
		}
	}
	for _, d := range Dirs() {
		for _, n := range names {
			p := filepath.Join(d, n)
			if _, err := os.Stat(p); err != nil {
				continue
			}
			if l := try(p); l != nil {
				return l, nil
			}
		}
	}
	msg := fmt.Sprintf("%s not found: tried %s over the loader path and in %s", what, strings.Join(names, ", "), strings.Join(Dirs(), ", "))
	if last != "" && !strings.Contains(last, "No such file") && !strings.Contains(last, "cannot open shared object") {
		msg += " (last error: " + last + ")"
	}
	return nil, fmt.Errorf("%s; set GENXAI_CUDA_LIBS to the folder that holds it: %w", msg, ErrNotFound)
}
