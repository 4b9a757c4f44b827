// Package progress reports the progress of long fits (the EBM's boosting
// rounds, EM iterations, SMO iterations) as throttled lines on a writer,
// usually stderr, and turns a cancelled context into an error that exits
// with status 130.
//
// A Meter stays silent for the first Delay (1 s), so quick fits print
// nothing, and then writes at most one line per Interval (1 s). On a
// terminal the line is rewritten in place; elsewhere (a log file, a pipe)
// every report is its own line.
package progress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Meter writes throttled progress lines for one task. Its methods may be
// called from several goroutines. A nil *Meter, or one on a nil writer, is
// silent.
type Meter struct {
	// Delay is how long the task must have run before the first line [1 s].
	Delay time.Duration
	// Interval is the least time between two lines [1 s].
	Interval time.Duration
	// Now is the clock [time.Now]; tests replace it.
	Now func() time.Time

	mu       sync.Mutex
	w        io.Writer
	task     string
	tty      bool
	start    time.Time
	last     time.Time
	printed  bool
	lastLine string
}

// New returns a Meter that reports task (e.g. "glassbox ebm") on w, its clock
// starting now.
func New(w io.Writer, task string) *Meter {
	m := &Meter{Delay: time.Second, Interval: time.Second, Now: time.Now, w: w, task: task}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			m.tty = true
		}
	}
	m.start = m.Now()
	return m
}

// Unthrottled returns a Meter like New's that writes every report at once
// (no Delay, no Interval): tests use it to check that a long loop reports
// its progress.
func Unthrottled(w io.Writer, task string) *Meter {
	m := New(w, task)
	m.Delay, m.Interval = 0, 0
	return m
}

// Report records that done of total units of work are finished (total ≤ 0:
// unknown) and, unless throttled, writes a line "task: done/total unit (p%),
// detail, elapsed, ETA" on the writer. With bound the ETA is an upper bound
// (work that may stop early, like boosting with early stopping) and is
// written "ETA ≤ …".
func (m *Meter) Report(done, total int64, unit, detail string, bound bool) {
	if m == nil || m.w == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.Now()
	elapsed := now.Sub(m.start)
	if elapsed < m.Delay || (m.printed && now.Sub(m.last) < m.Interval) {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", m.task, done)
	if total > 0 {
		fmt.Fprintf(&b, "/%d %s (%.1f%%)", total, unit, 100*float64(done)/float64(total))
	} else {
		fmt.Fprintf(&b, " %s", unit)
	}
	if detail != "" {
		b.WriteString(", " + detail)
	}
	fmt.Fprintf(&b, ", %s elapsed", Duration(elapsed))
	if total > 0 && done > 0 && done < total {
		eta := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		op := "ETA "
		if bound {
			op = "ETA ≤ "
		}
		b.WriteString(", " + op + Duration(eta))
	}
	line := b.String()
	if m.tty {
		fmt.Fprintf(m.w, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintln(m.w, line)
	}
	m.printed, m.last, m.lastLine = true, now, line
}

// Due reports whether Report would write a line now, so a caller can skip
// computing an expensive detail (an objective) that would not be shown.
func (m *Meter) Due() bool {
	if m == nil || m.w == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.Now()
	return now.Sub(m.start) >= m.Delay && (!m.printed || now.Sub(m.last) >= m.Interval)
}

// Finish ends the meter's output: on a terminal it closes the rewritten line
// with a newline. It is safe to call when nothing was printed.
func (m *Meter) Finish() {
	if m == nil || m.w == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tty && m.printed {
		fmt.Fprintln(m.w)
	}
	m.printed = false
}

// Duration formats d for a progress line: "850ms", "42s", "3m05s", "1h02m".
func Duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// Interrupted is the error of a fit stopped by its context (Ctrl-C): nothing
// of the result was written. It unwraps to the context's error
// (context.Canceled) and asks for exit status 130.
type Interrupted struct {
	// Task names what was stopped, e.g. "glassbox ebm".
	Task string
	// Done says how far it got, e.g. "bag 3 of 8 at round 1200".
	Done string
	// Err is the context's error.
	Err error
}

func (e *Interrupted) Error() string {
	s := e.Task + ": interrupted"
	if e.Done != "" {
		s += " (" + e.Done + ")"
	}
	return s + "; the fit was stopped and its results were not written"
}

// Unwrap returns the context's error.
func (e *Interrupted) Unwrap() error { return e.Err }

// ExitCode is 130, the shell's status for a process ended by SIGINT.
func (e *Interrupted) ExitCode() int { return 130 }

// Check returns nil while ctx is live and an *Interrupted naming task and
// done once it is cancelled. A nil ctx never stops.
func Check(ctx context.Context, task, done string) error {
	if ctx == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return &Interrupted{Task: task, Done: done, Err: err}
	}
	return nil
}

// IsInterrupted reports whether err is (or wraps) an *Interrupted.
func IsInterrupted(err error) bool {
	var in *Interrupted
	return errors.As(err, &in)
}
