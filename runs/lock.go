package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// LockFile is the name of the lock a writing process holds in its run
// directory. It exists only while a writer holds it, or after a writer died
// without releasing it (a stale lock, taken over by the next writer).
const LockFile = ".lock"

// holder is the content of the lock file: who holds it.
type holder struct {
	PID     int    `json:"pid"`
	Started string `json:"started"` // RFC 3339, when the holder took the lock
	Command string `json:"command"`
}

func (h holder) String() string {
	return fmt.Sprintf("process %d (%s, started %s)", h.PID, h.Command, h.Started)
}

// dirLock is an exclusive advisory lock (flock(2)) on a run directory's lock
// file, held for the life of the writing process or until release.
type dirLock struct {
	f    *os.File
	path string
}

// lockDir takes the lock of dir for command. It fails, naming the holder's
// PID and start time, when another process holds it. A lock file left by a
// process that died (its content is still there but nobody holds the flock)
// is taken over, and note says so.
//
// release removes the lock file before unlocking, so a process that opened
// the old file meanwhile may lock an unlinked file; lockDir therefore checks
// after locking that the file it holds is still the one at the path, and
// tries again if not.
func lockDir(dir, command string) (l *dirLock, note string, err error) {
	path := filepath.Join(dir, LockFile)
	for range 20 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, "", fmt.Errorf("run directory %s: opening its lock file: %w", dir, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			h := readHolder(f)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, "", fmt.Errorf("run directory %s is in use by %s; wait for that process to finish, or choose another --out", dir, h)
			}
			return nil, "", fmt.Errorf("run directory %s: locking %s: %w", dir, path, err)
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			f.Close() // released and removed by its holder after we opened it
			continue
		}
		if prev := readHolder(f); prev.PID != 0 {
			note = fmt.Sprintf("run directory %s: took over the stale lock of %s, which ended without releasing it", dir, prev)
		}
		b, _ := json.Marshal(holder{PID: os.Getpid(), Started: time.Now().Format(time.RFC3339), Command: command})
		if err := f.Truncate(0); err == nil {
			_, err = f.WriteAt(append(b, '\n'), 0)
		}
		if err != nil {
			f.Close()
			return nil, "", fmt.Errorf("run directory %s: writing its lock file: %w", dir, err)
		}
		return &dirLock{f: f, path: path}, note, nil
	}
	return nil, "", fmt.Errorf("run directory %s: its lock file keeps being replaced by other processes; try again", dir)
}

// readHolder reads the holder recorded in an open lock file; the zero
// holder when it is empty or unreadable.
func readHolder(f *os.File) holder {
	var h holder
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 4096))
	if err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

// release removes the lock file and unlocks it. Releasing twice is not an
// error.
func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := os.Remove(l.path)
	if e := l.f.Close(); err == nil {
		err = e
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("releasing the lock %s: %w", l.path, err)
	}
	return nil
}
