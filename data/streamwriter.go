package data

import (
	"fmt"
	"io"
)

// sizedWriter passes bytes on to w and counts them against the payload size
// a file's header declared, so a streamed file can never end up with more
// or fewer values than its header says.
type sizedWriter struct {
	w          io.Writer
	name       string // the format, for messages: "IDX", "NPY"
	want, got  int64  // declared and written payload bytes
	valueBytes int64  // bytes per value, for messages
}

// write passes p on, refusing bytes beyond the declared size.
func (s *sizedWriter) write(p []byte) error {
	if s.got+int64(len(p)) > s.want {
		return fmt.Errorf("%s writer: writing %d more values than the header declares (%d): the caller passed too many",
			s.name, (s.got+int64(len(p))-s.want)/s.valueBytes, s.want/s.valueBytes)
	}
	n, err := s.w.Write(p)
	s.got += int64(n)
	if err != nil {
		return fmt.Errorf("%s writer: %w", s.name, err)
	}
	return nil
}

// Close reports an error unless exactly the declared number of values was
// written; it does not close the underlying writer.
func (s *sizedWriter) Close() error {
	if s.got != s.want {
		return fmt.Errorf("%s writer: %d of the %d values the header declares were written: the file would be truncated",
			s.name, s.got/s.valueBytes, s.want/s.valueBytes)
	}
	return nil
}
