package nvrtc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Cache keeps compiled code on disk under Dir, one file per (source hash,
// options, NVRTC version), so a kernel unit is compiled once per machine.
type Cache struct {
	// Dir is the cache folder; DefaultDir's when empty.
	Dir string
}

// DefaultDir is os.UserCacheDir()/genxai/cuda.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("nvrtc cache: no user cache folder (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return filepath.Join(d, "genxai", "cuda"), nil
}

// Key is the cache file name of a unit with content hash hash compiled with
// options by NVRTC major.minor; the extension says which output it holds.
func Key(hash string, options []string, major, minor int, cubin bool) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00nvrtc %d.%d", hash, strings.Join(options, "\x00"), major, minor)))
	ext := ".ptx"
	if cubin {
		ext = ".cubin"
	}
	return hex.EncodeToString(h[:16]) + ext
}

// Get returns the code of a unit (hash of its source), from the cache when
// there, else compiled and stored: CUBIN when want says so (an sm_XX
// option), else PTX. A cache folder that cannot be written costs only the
// recompilation; the compile's error is returned as is.
func (c Cache) Get(name, hash, source string, options []string, cubin bool) ([]byte, error) {
	major, minor, err := Version()
	if err != nil {
		return nil, err
	}
	dir := c.Dir
	if dir == "" {
		if dir, err = DefaultDir(); err != nil {
			dir = ""
		}
	}
	var path string
	if dir != "" {
		path = filepath.Join(dir, Key(hash, options, major, minor, cubin))
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b, nil
		}
	}
	out, err := Compile(name, source, options)
	if err != nil {
		return nil, err
	}
	code := out.PTX
	if cubin {
		code = out.CUBIN
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("nvrtc: %s compiled with %v gave no %s (NVRTC %d.%d)", name, options, map[bool]string{true: "CUBIN", false: "PTX"}[cubin], major, minor)
	}
	if path != "" && os.MkdirAll(dir, 0o755) == nil {
		tmp, err := os.CreateTemp(dir, ".part-*")
		if err == nil {
			_, werr := tmp.Write(code)
			if cerr := tmp.Close(); werr == nil && cerr == nil {
				_ = os.Rename(tmp.Name(), path) // atomic: readers see all or nothing
			}
			_ = os.Remove(tmp.Name())
		}
	}
	return code, nil
}
