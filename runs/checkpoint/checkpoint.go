// Package checkpoint saves and restores training state in a run directory:
// the weights in checkpoint.safetensors (the safetensors format of Hugging
// Face, readable by PyTorch, JAX and others) and everything else a trainer
// needs to resume — step, epoch, position in the data, seed, optimizer
// scalars, RNG state, the config — in checkpoint.json, together with the
// SHA-256 of the safetensors file.
//
// Both files are written atomically (runs.WriteFileAtomic). Load checks the
// hash before decoding, so a corrupted, truncated or mismatched pair is
// refused as a whole; it never returns partial data.
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
	TensorsFile = "checkpoint.safetensors"
	MetaFile    = "checkpoint.json"
)

// FormatVersion is the version of checkpoint.json that Save writes and Load
// accepts.
const FormatVersion = 1

// Meta is the content of checkpoint.json.
//
// After Load, numbers inside State and Config are json.Number values, so
// that 64-bit integers such as RNG states come back exactly; read them with
// Meta.Int64, Meta.Uint64 and Meta.Float64 (or json.Number's methods).
type Meta struct {
	// Format is the checkpoint.json version; Save sets it to FormatVersion.
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
	// TensorsSHA256 is the hex SHA-256 of checkpoint.safetensors; Save
	// computes it.
	TensorsSHA256 string `json:"tensors_sha256"`
	// State holds optimizer scalars, the data position, RNG state and
	// anything else the trainer needs to resume.
	State map[string]any `json:"state,omitempty"`
	// Config is the resolved config of the run.
	Config map[string]any `json:"config,omitempty"`
}

// Save writes ts to dir/checkpoint.safetensors and meta to
// dir/checkpoint.json, each atomically, in that order. It sets
// meta.Format to FormatVersion and meta.TensorsSHA256 to the SHA-256 of the
// safetensors bytes. The safetensors "__metadata__" carries the model name,
// step and producer ("genxai") for readers that see only that file.
//
// A crash between the two writes leaves new weights next to the old
// checkpoint.json; Load then refuses the pair because the hash differs,
// rather than resuming from mismatched state.
func Save(dir string, ts []Tensor, meta Meta) error {
	var buf bytes.Buffer
	stMeta := map[string]string{"producer": "genxai", "model": meta.Model, "step": strconv.FormatInt(meta.Step, 10)}
	if err := EncodeSafetensors(&buf, ts, stMeta); err != nil {
		return fmt.Errorf("saving checkpoint in %s: %w", dir, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	meta.Format = FormatVersion
	meta.TensorsSHA256 = hex.EncodeToString(sum[:])
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("saving checkpoint in %s: encoding %s: %w (state and config must hold JSON values; NaN and Inf are not allowed)", dir, MetaFile, err)
	}
	mb = append(mb, '\n')
	if err := runs.WriteFileAtomic(filepath.Join(dir, TensorsFile), func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	if err := runs.WriteFileAtomic(filepath.Join(dir, MetaFile), func(w io.Writer) error {
		_, err := w.Write(mb)
		return err
	}); err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	return nil
}

// ErrCorrupted is wrapped by every Load error that means the checkpoint
// files exist but cannot be trusted.
var ErrCorrupted = errors.New("checkpoint is corrupted or truncated")

// Load reads the checkpoint in dir. It refuses, with an error wrapping
// ErrCorrupted that names the file and says what to do, when
// checkpoint.json is malformed or of another format version, when the
// SHA-256 of checkpoint.safetensors differs from the one recorded (a flipped
// byte, a truncated copy, or files from two different saves), or when the
// safetensors file is malformed. A missing file gives an error wrapping
// fs.ErrNotExist. It returns either everything or nothing.
func Load(dir string) ([]Tensor, Meta, error) {
	metaPath := filepath.Join(dir, MetaFile)
	tensPath := filepath.Join(dir, TensorsFile)
	remedy := "restore the run directory from a backup or start training again without resuming"

	mb, err := os.ReadFile(metaPath)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %w", err)
	}
	var meta Meta
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %s is not valid checkpoint JSON (%v): %w; %s", metaPath, err, ErrCorrupted, remedy)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %s has data after its JSON object: %w; %s", metaPath, ErrCorrupted, remedy)
	}
	if meta.Format != FormatVersion {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %s has format %d, this genxai reads format %d: %w; %s", metaPath, meta.Format, FormatVersion, ErrCorrupted, remedy)
	}
	if len(meta.TensorsSHA256) != 64 {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %s has tensors_sha256 %q, want 64 hex digits: %w; %s", metaPath, meta.TensorsSHA256, ErrCorrupted, remedy)
	}

	tb, err := os.ReadFile(tensPath)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %w", err)
	}
	sum := sha256.Sum256(tb)
	if got := hex.EncodeToString(sum[:]); got != meta.TensorsSHA256 {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %s (%d bytes) has SHA-256 %s but %s records %s: %w (a damaged or truncated copy, or files from two different saves); %s",
			tensPath, len(tb), got[:16]+"…", metaPath, meta.TensorsSHA256[:16]+"…", ErrCorrupted, remedy)
	}
	ts, _, err := DecodeSafetensors(tb)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("loading checkpoint: %s: %v: %w; %s", tensPath, err, ErrCorrupted, remedy)
	}
	return ts, meta, nil
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
