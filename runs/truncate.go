package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// ResumeKey marks the metrics record a resumed run writes when its config
// differs from the checkpoint's (the changed keys, old and new values).
const ResumeKey = "resume_changes"

// TruncateMetrics cuts metrics.jsonl back to what a run had logged when it
// reached step, so that resuming from a checkpoint at step logs no record
// twice. It keeps the records up to the first one that was logged after the
// checkpoint: a record whose "step" is above step, a resume record at step
// itself (an earlier attempt to resume from the same checkpoint), or a line
// cut short by a crash; that record and everything after it go. A missing
// file is not an error. It returns the number of records removed.
func (d *Dir) TruncateMetrics(step int64) (int, error) {
	path := d.File(MetricsFile)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	cut := -1
	for off := 0; off < len(b); {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 || afterStep(b[off:off+end], step) {
			cut = off
			break
		}
		off += end + 1
	}
	if cut < 0 {
		return 0, nil
	}
	removed := bytes.Count(b[cut:], []byte{'\n'})
	if b[len(b)-1] != '\n' {
		removed++
	}
	if err := os.Truncate(path, int64(cut)); err != nil {
		return 0, fmt.Errorf("truncating %s to step %d: %w", path, step, err)
	}
	return removed, nil
}

// afterStep reports whether the metrics line was logged after a checkpoint
// at step, or is not a record at all.
func afterStep(line []byte, step int64) bool {
	var rec struct {
		Step    *float64        `json:"step"`
		Changes json.RawMessage `json:"resume_changes"`
	}
	if json.Unmarshal(line, &rec) != nil {
		return true
	}
	if rec.Step == nil {
		return false
	}
	return *rec.Step > float64(step) || (*rec.Step == float64(step) && rec.Changes != nil)
}
