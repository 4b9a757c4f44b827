package data

import (
	"fmt"
	"os"
	"unicode/utf8"
)

// ReadText reads a text corpus, such as the character-level language model's
// training text. The file must be non-empty and valid UTF-8; otherwise the
// error names the file and, for bad encoding, the byte offset of the first
// invalid byte.
func ReadText(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading text corpus: %w", err)
	}
	if len(b) == 0 {
		return "", fmt.Errorf("reading %s: the file is empty; a text corpus needs at least one character", path)
	}
	if off := firstInvalidUTF8(b); off >= 0 {
		return "", fmt.Errorf("reading %s: invalid UTF-8 at byte offset %d (byte 0x%02x); the text must be UTF-8 encoded — convert it first (for example with iconv -t UTF-8)", path, off, b[off])
	}
	return string(b), nil
}

// firstInvalidUTF8 returns the offset of the first byte of b that does not
// start a valid UTF-8 sequence, or -1 when b is valid UTF-8.
func firstInvalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for off := 0; off < len(b); {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			return off
		}
		off += size
	}
	return -1
}
