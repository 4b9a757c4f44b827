package runs

import "time"

// CreateNamed is Create(out), or, when out is empty, Create of
// runs/<name>-<YYYYMMDD-HHMMSS> (the default run directory of the commands).
func CreateNamed(out, name string) (*Dir, error) {
	if out == "" {
		out = "runs/" + name + "-" + time.Now().Format("20060102-150405")
	}
	return Create(out)
}
