package nvrtc

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Usage is ptxas's resource report for one kernel (compiled with
// -Xptxas=-v, whose report NVRTC puts in the program log).
type Usage struct {
	Kernel                  string
	Registers               int
	SharedBytes             int // static shared memory
	StackBytes              int
	SpillStores, SpillLoads int
}

var (
	reEntry = regexp.MustCompile(`Compiling entry function '([^']+)'`)
	reProps = regexp.MustCompile(`Function properties for (\S+)`)
	reFrame = regexp.MustCompile(`(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads`)
	reUsed  = regexp.MustCompile(`Used (\d+) registers(?:, (\d+) bytes smem)?`)
)

// ParseUsage reads every entry function's report out of a compile log. It
// fails when an entry function has no "Used N registers" line (a log not
// from -Xptxas=-v, or a format it does not know).
func ParseUsage(log string) ([]Usage, error) {
	var out []Usage
	var cur *Usage
	for _, line := range strings.Split(log, "\n") {
		if m := reEntry.FindStringSubmatch(line); m != nil {
			out = append(out, Usage{Kernel: m[1], Registers: -1})
			cur = &out[len(out)-1]
			continue
		}
		if m := reProps.FindStringSubmatch(line); m != nil {
			cur = nil
			for i := range out {
				if out[i].Kernel == m[1] {
					cur = &out[i]
				}
			}
			continue
		}
		if cur == nil {
			continue
		}
		if m := reFrame.FindStringSubmatch(line); m != nil {
			cur.StackBytes, _ = strconv.Atoi(m[1])
			cur.SpillStores, _ = strconv.Atoi(m[2])
			cur.SpillLoads, _ = strconv.Atoi(m[3])
		}
		if m := reUsed.FindStringSubmatch(line); m != nil {
			cur.Registers, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				cur.SharedBytes, _ = strconv.Atoi(m[2])
			}
		}
	}
	for i := range out {
		if out[i].Registers < 0 {
			return nil, fmt.Errorf("ptxas report: entry %s has no register count in the log:\n%s", out[i].Kernel, log)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ptxas report: no entry function in the log (was -Xptxas=-v given?):\n%s", log)
	}
	return out, nil
}
