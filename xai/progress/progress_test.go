package progress

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestMeterThrottles: nothing before Delay, then at most one line per
// Interval, with the fraction, the detail and an ETA.
func TestMeterThrottles(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	m := New(&buf, "task")
	m.Now = func() time.Time { return now }
	m.start = now
	step := func(d time.Duration, done int64) {
		now = now.Add(d)
		m.Report(done, 100, "rounds", "loss 0.5", true)
	}
	step(500*time.Millisecond, 5) // before Delay: silent
	if buf.Len() != 0 {
		t.Fatalf("printed before the delay: %q", buf.String())
	}
	step(600*time.Millisecond, 10) // 1.1 s: first line
	step(300*time.Millisecond, 12) // 1.4 s: throttled
	step(800*time.Millisecond, 20) // 2.2 s: second line
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d: %q", len(lines), buf.String())
	}
	if want := "task: 10/100 rounds (10.0%), loss 0.5, 1s elapsed, ETA ≤ 9s"; lines[0] != want {
		t.Errorf("line 1 = %q, want %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], "task: 20/100 rounds") {
		t.Errorf("line 2 = %q", lines[1])
	}
}

func TestCheckInterrupted(t *testing.T) {
	if err := Check(context.Background(), "x", ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Check(ctx, "glassbox ebm", "bag 1")
	if !errors.Is(err, context.Canceled) || !IsInterrupted(err) {
		t.Fatalf("err = %v", err)
	}
	var in *Interrupted
	if errors.As(err, &in); in.ExitCode() != 130 || !strings.Contains(err.Error(), "bag 1") {
		t.Errorf("exit %d, message %q", in.ExitCode(), err)
	}
}
