package runs

import (
	"encoding/csv"
	"fmt"
	"io"
)

// WriteCSV writes a CSV file (RFC 4180, as encoding/csv writes it: fields
// holding a comma, quote or line break are quoted, quotes doubled, lines
// ending in \n) with header as its first line and then rows, atomically
// through WriteFileAtomic. A nil header writes rows only.
func WriteCSV(path string, header []string, rows [][]string) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		cw := NewCSV(w)
		if header != nil {
			cw.Row(header...)
		}
		for _, r := range rows {
			cw.Row(r...)
		}
		return cw.Close()
	})
}

// CSV streams CSV records to a writer for callers that produce rows one at a
// time (inside WriteFileAtomic, say). The first write error is kept and
// returned by Close; later rows are dropped.
type CSV struct {
	w    *csv.Writer
	line int
	err  error
}

// NewCSV returns a CSV writer on w.
func NewCSV(w io.Writer) *CSV { return &CSV{w: csv.NewWriter(w)} }

// Row writes one record.
func (c *CSV) Row(fields ...string) {
	if c.err != nil {
		return
	}
	c.line++
	if err := c.w.Write(fields); err != nil {
		c.err = fmt.Errorf("CSV line %d: %w", c.line, err)
	}
}

// Close flushes the records and returns the first error met.
func (c *CSV) Close() error {
	c.w.Flush()
	if c.err != nil {
		return c.err
	}
	return c.w.Error()
}
