package train

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress reports a long run: a live bar with rate, ETA and the running loss
// when the output is a terminal, and otherwise a plain line every `every`
// steps, so logs of batch jobs stay readable.
type Progress struct {
	out     io.Writer
	total   int64
	every   int64
	start   time.Time
	started int64 // step at which this process started (resumed runs start late)
	bar     *progressbar.ProgressBar
}

// NewProgress starts reporting a run of total steps that begins at step first.
func NewProgress(out io.Writer, total, first, every int64) *Progress {
	p := &Progress{out: out, total: total, every: every, start: time.Now(), started: first}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(out),
			progressbar.OptionSetDescription("training"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("step"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionFullWidth(),
			progressbar.OptionClearOnFinish(),
		)
		_ = p.bar.Set64(first)
	}
	return p
}

// Update records that step (1-based count of steps done) has finished with the
// given running loss.
func (p *Progress) Update(step int64, epoch, epochs int, loss float64) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4g", epoch+1, epochs, loss))
		_ = p.bar.Set64(step)
		return
	}
	if step%p.every != 0 && step != p.total {
		return
	}
	elapsed := time.Since(p.start).Seconds()
	rate := float64(step-p.started) / elapsed
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(p.total-step)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(p.out, "step %d/%d  epoch %d/%d  loss %.4f  %.1f step/s  ETA %s\n", step, p.total, epoch+1, epochs, loss, rate, eta)
}

// Printf writes a message without garbling the bar.
func (p *Progress) Printf(format string, args ...any) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	fmt.Fprintf(p.out, format, args...)
}

// Finish closes the bar.
func (p *Progress) Finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
