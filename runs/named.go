package runs

import "time"

// CreateNamed is Create(out, command, force), or, when out is empty, Create
// of runs/<command>-<YYYYMMDD-HHMMSS> (the default run directory of the
// commands).
func CreateNamed(out, command string, force bool) (*Dir, error) {
	if out == "" {
		out = "runs/" + command + "-" + time.Now().Format("20060102-150405")
	}
	return Create(out, command, force)
}
