package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// childArgs is the environment variable that makes the test binary act as
// the genxai binary: its value is the argument list, separated by \x1f.
const childArgs = "GENXAI_TEST_CHILD_ARGS"

// TestMain runs the command line when started by genxaiCmd, and the tests
// otherwise. Running each command in its own process keeps cobra's flag
// values from leaking between tests and lets tests kill a command.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgs); ok {
		os.Args = append([]string{"genxai"}, strings.Split(args, "\x1f")...)
		os.Unsetenv(childArgs) // a GENXAI_* variable that no config schema knows
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// vaeDigits is the embedded-digits VAE config of the repository.
var vaeDigits, _ = filepath.Abs("../../configs/vae-digits.yaml")

// genxaiCmd returns the command line args as a process of this test binary
// working in dir, with env added to its environment.
func genxaiCmd(t *testing.T, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run=^$")
	c.Dir = dir
	c.Env = append(append(os.Environ(), childArgs+"="+strings.Join(args, "\x1f")), env...)
	return c
}

// genxai runs args in dir and returns its combined output and its error
// (an *exec.ExitError when the command failed).
func genxai(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	out, err := genxaiCmd(t, dir, nil, args...).CombinedOutput()
	return string(out), err
}
