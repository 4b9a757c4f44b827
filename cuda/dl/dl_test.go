package dl

import (
	"errors"
	"strings"
	"testing"
)

func TestOpenMissingSaysWhatWasTried(t *testing.T) {
	t.Setenv("GENXAI_CUDA_LIBS", "/nonexistent/a:/nonexistent/b")
	_, err := Open("the test library", "libgenxai-missing.so.9", "libgenxai-missing.so.8")
	if err == nil {
		t.Fatal("a missing library opened")
	}
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("error %v does not wrap ErrNotFound", err)
	}
	msg := err.Error()
	for _, want := range []string{"the test library", "libgenxai-missing.so.9", "libgenxai-missing.so.8", "/nonexistent/a", "/nonexistent/b", "/usr/local/cuda/lib64", "GENXAI_CUDA_LIBS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans several lines: %q", msg)
	}
}

func TestOpenAndBindLibc(t *testing.T) {
	l, err := Open("the C library", "libc.so.6")
	if err != nil {
		t.Skipf("no libc.so.6 here: %v", err)
	}
	var strlen func(s string) uintptr
	if err := l.Bind(&strlen, "strlen"); err != nil {
		t.Fatal(err)
	}
	if n := strlen("genxai"); n != 6 {
		t.Errorf("strlen = %d, want 6", n)
	}
	var missing func()
	if err := l.Bind(&missing, "genxai_no_such_symbol"); err == nil || !strings.Contains(err.Error(), "genxai_no_such_symbol") {
		t.Errorf("binding a missing symbol: %v", err)
	}
}
