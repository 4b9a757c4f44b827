// Package checkpoint saves and restores training state in a run directory,
// in one file committed by one atomic rename: checkpoint.safetensors, in the
// safetensors format of Hugging Face (readable by PyTorch, JAX and others),
// holds the weights and optimizer tensors, and its "__metadata__" holds
// everything else a trainer needs to resume — step, epoch, position in the
// data, seed, optimizer scalars, the config — as the JSON of Meta, with the
// SHA-256 of that JSON and, inside it, the SHA-256 of the tensors.
//
// A crash at any point of Save leaves either the old checkpoint or the new
// one, never a mixture. Load checks both hashes before returning anything,
// so a corrupted or truncated file is refused as a whole.
//
// Checkpoints of format 1 (genxai before the single-file format: the same
// safetensors file beside a checkpoint.json holding Meta) are still read;
// Save always writes format 2 and removes a leftover checkpoint.json.
package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"genxai/runs"
)

// File names of a checkpoint inside its directory.
const (
	// TensorsFile is the checkpoint.
	TensorsFile = "checkpoint.safetensors"
	// MetaFile held Meta in format 1; it is read only when TensorsFile
	// carries no metadata of its own.
	MetaFile = "checkpoint.json"
)

// FormatVersion is the format Save writes; Load also reads format 1.
const FormatVersion = 2

// Keys of the safetensors "__metadata__" map. The first three are plain
// strings for readers that only look at the file (they were format 1's only
// metadata); metaKey holds the JSON of Meta and metaSumKey its hex SHA-256.
const (
	producerKey = "producer"
	modelKey    = "model"
	stepKey     = "step"
	metaKey     = "genxai_checkpoint"
	metaSumKey  = "genxai_checkpoint_sha256"
)

// Meta is the checkpoint's metadata.
//
// After Load, numbers inside State and Config are json.Number values, so
// that 64-bit integers such as RNG states come back exactly; read them with
// Meta.Int64, Meta.Uint64 and Meta.Float64 (or json.Number's methods).
type Meta struct {
	// Format is the checkpoint format; Save sets it to FormatVersion.
	Format int `json:"format"`
	// Model names the model family and variant, e.g. "vae".
	Model string `json:"model"`
	// Step counts optimizer steps taken.
	Step int64 `json:"step"`
	// Epoch is the current epoch, counted from 0.
	Epoch int `json:"epoch"`
	// BatchInEpoch is the index of the next batch within Epoch.
	BatchInEpoch int `json:"batch_in_epoch"`
	// Seed is the run's seed.
	Seed int64 `json:"seed"`
	// TensorsSHA256 is the hex SHA-256 of the tensors in their canonical
	// safetensors encoding with only the producer, model and step metadata
	// (TensorsHash; the whole file of format 1). Save computes it.
	TensorsSHA256 string `json:"tensors_sha256"`
	// State holds optimizer scalars, the data position, RNG state and
	// anything else the trainer needs to resume.
	State map[string]any `json:"state,omitempty"`
	// Config is the resolved config of the run.
	Config map[string]any `json:"config,omitempty"`
}

// plainMeta is the metadata every checkpoint file carries as plain strings.
func plainMeta(model string, step int64) map[string]string {
	return map[string]string{producerKey: "genxai", modelKey: model, stepKey: strconv.FormatInt(step, 10)}
}

// TensorsHash is the hex SHA-256 of ts encoded as safetensors with only the
// plain metadata of model and step: the hash Meta.TensorsSHA256 records. Two
// checkpoints with the same hash hold bit-identical tensors.
func TensorsHash(ts []Tensor, model string, step int64) (string, error) {
	h := sha256.New()
	if err := EncodeSafetensors(h, ts, plainMeta(model, step)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Save writes ts and meta to dir/checkpoint.safetensors atomically (one
// temporary file, synced, renamed over the old checkpoint, directory
// synced), then removes a format-1 checkpoint.json if one is left. It sets
// meta.Format to FormatVersion and meta.TensorsSHA256 to TensorsHash.
func Save(dir string, ts []Tensor, meta Meta) error {
	sum, err := TensorsHash(ts, meta.Model, meta.Step)
	if err != nil {
		return fmt.Errorf("saving checkpoint in %s: %w", dir, err)
	}
	meta.Format = FormatVersion
	meta.TensorsSHA256 = sum
	mb, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("saving checkpoint in %s: encoding its metadata: %w (state and config must hold JSON values; NaN and Inf are not allowed)", dir, err)
	}
	md := plainMeta(meta.Model, meta.Step)
	md[metaKey] = string(mb)
	ms := sha256.Sum256(mb)
	md[metaSumKey] = hex.EncodeToString(ms[:])
	var buf bytes.Buffer
	if err := EncodeSafetensors(&buf, ts, md); err != nil {
		return fmt.Errorf("saving checkpoint in %s: %w", dir, err)
	}
	if err := runs.WriteFileAtomic(filepath.Join(dir, TensorsFile), func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, MetaFile)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("saving checkpoint: removing the format-1 %s: %w", filepath.Join(dir, MetaFile), err)
	}
	return nil
}

// ErrCorrupted is wrapped by every Load error that means the checkpoint
// exists but cannot be trusted.
var ErrCorrupted = errors.New("checkpoint is corrupted or truncated")

// Load reads the checkpoint in dir. It refuses, with an error wrapping
// ErrCorrupted that names the file and says what to do, a file that is not
// valid safetensors, metadata that is malformed, of an unknown format or
// differs from its recorded SHA-256, and tensors whose SHA-256 differs from
// the one the metadata records (a flipped byte, a truncated copy). A missing
// checkpoint gives an error wrapping fs.ErrNotExist. It returns either
// everything or nothing. The metadata's values are checked only as data
// here; whether they fit a model and config is the trainer's check.
func Load(dir string) ([]Tensor, Meta, error) {
	path := filepath.Join(dir, TensorsFile)
	tb, err := os.ReadFile(path)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %w", err)
	}
	refuse := func(file, format string, args ...any) error {
		return fmt.Errorf("loading checkpoint: %s: %s: %w; restore the run directory from a backup or start training again without resuming",
			file, fmt.Sprintf(format, args...), ErrCorrupted)
	}
	ts, md, err := DecodeSafetensors(tb)
	if err != nil {
		return nil, Meta{}, refuse(path, "%v", err)
	}
	// The decoder accepts some variations (JSON field names in another
	// case); Save writes the one canonical encoding, so anything else is
	// damage.
	canon := sha256.New()
	if err := EncodeSafetensors(canon, ts, md); err != nil {
		return nil, Meta{}, refuse(path, "%v", err)
	}
	if sum := sha256.Sum256(tb); !bytes.Equal(canon.Sum(nil), sum[:]) {
		return nil, Meta{}, refuse(path, "its header is not in the form genxai writes")
	}
	var meta Meta
	if s, ok := md[metaKey]; ok {
		if sum := sha256.Sum256([]byte(s)); hex.EncodeToString(sum[:]) != md[metaSumKey] {
			return nil, Meta{}, refuse(path, "its metadata does not match the SHA-256 recorded beside it")
		}
		if meta, err = decodeMeta([]byte(s), FormatVersion); err != nil {
			return nil, Meta{}, refuse(path, "%v", err)
		}
	} else {
		metaPath := filepath.Join(dir, MetaFile)
		mb, err := os.ReadFile(metaPath)
		if err != nil {
			return nil, Meta{}, refuse(path, "it carries no genxai metadata and its format-1 %s cannot be read (%v)", MetaFile, err)
		}
		if meta, err = decodeMeta(mb, 1); err != nil {
			return nil, Meta{}, refuse(metaPath, "%v", err)
		}
	}
	want := plainMeta(meta.Model, meta.Step)
	for _, k := range []string{producerKey, modelKey, stepKey} {
		if md[k] != want[k] {
			return nil, Meta{}, refuse(path, "metadata %q is %q but the checkpoint's metadata says %q", k, md[k], want[k])
		}
	}
	sum, err := TensorsHash(ts, meta.Model, meta.Step)
	if err != nil {
		return nil, Meta{}, refuse(path, "%v", err)
	}
	if sum != meta.TensorsSHA256 {
		return nil, Meta{}, refuse(path, "its tensors have SHA-256 %s… but the metadata records %s… (a damaged or truncated copy, or files from two different saves)", sum[:16], meta.TensorsSHA256[:min(16, len(meta.TensorsSHA256))])
	}
	return ts, meta, nil
}

// decodeMeta parses b as exactly one Meta object of the given format.
func decodeMeta(b []byte, format int) (Meta, error) {
	var meta Meta
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return Meta{}, fmt.Errorf("metadata is not valid checkpoint JSON (%v)", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Meta{}, errors.New("metadata has data after its JSON object")
	}
	if meta.Format != format {
		return Meta{}, fmt.Errorf("metadata has format %d, expected %d", meta.Format, format)
	}
	if len(meta.TensorsSHA256) != 64 {
		return Meta{}, fmt.Errorf("metadata has tensors_sha256 %q, want 64 hex digits", meta.TensorsSHA256)
	}
	return meta, nil
}

// number returns State[key] as a json.Number, accepting the json.Number
// that Load produces as well as Go numbers set by a trainer before Save.
func (m Meta) number(key string) (json.Number, error) {
	v, ok := m.State[key]
	if !ok {
		return "", fmt.Errorf("checkpoint state has no key %q", key)
	}
	switch x := v.(type) {
	case json.Number:
		return x, nil
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), nil
	case float32:
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 32)), nil
	case int:
		return json.Number(strconv.FormatInt(int64(x), 10)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), nil
	}
	return "", fmt.Errorf("checkpoint state key %q holds %T, not a number", key, v)
}

// Int64 returns the integer State[key].
func (m Meta) Int64(key string) (int64, error) {
	return stateValue(m, key, "a 64-bit integer", func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
}

// Uint64 returns the unsigned integer State[key] (RNG states, say).
func (m Meta) Uint64(key string) (uint64, error) {
	return stateValue(m, key, "an unsigned 64-bit integer", func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) })
}

// Float64 returns the number State[key].
func (m Meta) Float64(key string) (float64, error) {
	return stateValue(m, key, "a finite number", func(s string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err == nil && math.IsInf(v, 0) {
			err = strconv.ErrRange
		}
		return v, err
	})
}

// stateValue reads State[key] as a number (number) and parses it with parse;
// want says what the value must be, for the message when it is not.
func stateValue[T any](m Meta, key, want string, parse func(string) (T, error)) (T, error) {
	var zero T
	n, err := m.number(key)
	if err != nil {
		return zero, err
	}
	v, err := parse(string(n))
	if err != nil {
		return zero, fmt.Errorf("checkpoint state key %q: %s is not %s", key, n, want)
	}
	return v, nil
}
