//go:build crash

package runs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// In a build with the crash tag, GENXAI_CRASH_AT=FILE:POINT:N makes the
// process kill itself with SIGKILL the N-th time (from 1) WriteFileAtomic
// reaches POINT (see faultPoint) while writing a file named FILE, so that a
// test can crash a run at every rename and fsync of a checkpoint.
func init() {
	spec := os.Getenv("GENXAI_CRASH_AT")
	if spec == "" {
		return
	}
	parts := strings.Split(spec, ":")
	n, err := 0, error(nil)
	if len(parts) == 3 {
		n, err = strconv.Atoi(parts[2])
	}
	if len(parts) != 3 || err != nil || n < 1 {
		fmt.Fprintf(os.Stderr, "GENXAI_CRASH_AT=%q: want FILE:POINT:N, e.g. checkpoint.safetensors:rename:2\n", spec)
		os.Exit(2)
	}
	var mu sync.Mutex
	seen := 0
	faultPoint = func(point, path string) {
		if point != parts[1] || filepath.Base(path) != parts[0] {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen++; seen == n {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
}
