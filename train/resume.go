package train

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"genxai/runs/checkpoint"
)

// ResumableKeys are the config keys a resumed run may change from its
// checkpoint's config: how long to train, the learning-rate schedule,
// logging, threads, device (and TF32) and executor. Any other change (seed, model,
// data, batch size, optimizer, …) would make the continued run a different
// run from the one checkpointed, so Run refuses it.
var ResumableKeys = []string{
	"train.steps", "train.epochs",
	"train.lr", "train.schedule", "train.min_lr", "train.warmup_steps",
	"train.log_every", "train.keep_images", "train.threads", "train.blas_threads",
	"device", "tf32", "train.executor",
}

// Change is one config key that differs between a checkpoint and the config
// a run resumes with.
type Change struct {
	Key      string          `json:"key"`
	Old, New json.RawMessage // the values as JSON (null when absent)
}

// ConfigChanges compares the config a run resumes with (settings) to the one
// its checkpoint recorded (saved) and returns the keys that differ, sorted,
// or an error naming every changed key that a resume may not change. A
// checkpoint without a recorded config gives no changes.
func ConfigChanges(saved, settings map[string]any) ([]Change, error) {
	if saved == nil {
		return nil, nil
	}
	old, now := flatJSON(saved), flatJSON(settings)
	var changes []Change
	var refused []string
	for _, k := range slices.Sorted(maps.Keys(union(old, now))) {
		if string(old[k]) == string(now[k]) {
			continue
		}
		c := Change{Key: k, Old: orNull(old[k]), New: orNull(now[k])}
		changes = append(changes, c)
		if !slices.Contains(ResumableKeys, k) {
			refused = append(refused, fmt.Sprintf("%s (checkpoint %s, now %s)", k, c.Old, c.New))
		}
	}
	if len(refused) > 0 {
		return nil, fmt.Errorf("the config differs from the checkpoint's in keys a resume may not change: %s. A resume may change only %s; to change anything else, start a new run with -c FILE --out NEW_DIR",
			strings.Join(refused, ", "), strings.Join(ResumableKeys, ", "))
	}
	return changes, nil
}

// ChangesRecord is the metrics record of a resume's config changes: the
// step resumed at and, per key, the old and new values.
func ChangesRecord(step int64, changes []Change) map[string]any {
	m := map[string]any{}
	for _, c := range changes {
		m[c.Key] = map[string]json.RawMessage{"old": c.Old, "new": c.New}
	}
	return map[string]any{"step": step, "resume_changes": m}
}

func orNull(b json.RawMessage) json.RawMessage {
	if b == nil {
		return json.RawMessage("null")
	}
	return b
}

func union(a, b map[string]json.RawMessage) map[string]json.RawMessage {
	u := maps.Clone(a)
	maps.Copy(u, b)
	return u
}

// flatJSON flattens nested settings into dotted keys whose values are their
// JSON encodings, so that a config read from YAML and one decoded from a
// checkpoint's JSON compare equal when their values are.
func flatJSON(m map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(prefix+k+".", e)
			}
		case map[any]any:
			for k, e := range x {
				walk(prefix+fmt.Sprint(k)+".", e)
			}
		default:
			b, err := json.Marshal(x)
			if err != nil {
				b = []byte(fmt.Sprintf("%q", fmt.Sprint(x)))
			}
			out[strings.TrimSuffix(prefix, ".")] = b
		}
	}
	walk("", m)
	return out
}

// checkMeta validates every field of a checkpoint's metadata against the
// task and the run's options before anything is restored: the model kind,
// the seed, the position (step ≥ 0, epoch ≥ 0, 0 ≤ batch_in_epoch < batches
// per epoch, step = epoch × batches per epoch + batch_in_epoch) and each
// optimizer's step count (0 ≤ count ≤ step). Errors name the field, the
// value found and the values allowed.
func checkMeta(meta checkpoint.Meta, task Task, o Options) error {
	spe := StepsPerEpoch(task.TrainSize(), o.BatchSize)
	bad := func(field string, found any, allowed string) error {
		return fmt.Errorf("checkpoint field %s is %v; allowed: %s. The checkpoint does not fit this run: restore the directory from a backup or start a new run", field, found, allowed)
	}
	switch {
	case meta.Model != task.Kind():
		return bad("model", fmt.Sprintf("%q", meta.Model), fmt.Sprintf("%q, the config's model.kind", task.Kind()))
	case meta.Seed != o.Seed:
		return bad("seed", meta.Seed, fmt.Sprintf("%d, the config's seed", o.Seed))
	case meta.Step < 0:
		return bad("step", meta.Step, "0 or more")
	case meta.Epoch < 0:
		return bad("epoch", meta.Epoch, "0 or more")
	case meta.BatchInEpoch < 0 || int64(meta.BatchInEpoch) >= spe:
		return bad("batch_in_epoch", meta.BatchInEpoch, fmt.Sprintf("0 to %d (%d batches of %d in an epoch of %d examples)", spe-1, spe, o.BatchSize, task.TrainSize()))
	case meta.Step != int64(meta.Epoch)*spe+int64(meta.BatchInEpoch):
		return bad("step", meta.Step, fmt.Sprintf("%d, epoch %d × %d batches per epoch + batch_in_epoch %d", int64(meta.Epoch)*spe+int64(meta.BatchInEpoch), meta.Epoch, spe, meta.BatchInEpoch))
	}
	for _, prefix := range slices.Sorted(maps.Keys(task.Optimizers())) {
		key := prefix + "steps"
		n, err := meta.Int64(key)
		if err != nil {
			return fmt.Errorf("checkpoint field state.%s: %w; allowed: an integer from 0 to the step, %d", key, err, meta.Step)
		}
		if n < 0 || n > meta.Step {
			return bad("state."+key, n, fmt.Sprintf("0 to %d, the step (an optimizer updates at most once per step)", meta.Step))
		}
	}
	return nil
}

// checkOptimizerTensors checks that every checkpoint tensor that is not a
// model parameter is an optimizer's state for a parameter of the model, with
// that parameter's number of values.
func checkOptimizerTensors(task Task, ts []checkpoint.Tensor) error {
	st := task.Store()
	prefixes := slices.Collect(maps.Keys(task.Optimizers()))
	for _, t := range ts {
		if st.Tensor(t.Name) != nil {
			continue
		}
		param := ""
		for _, p := range prefixes {
			for _, kind := range []string{"m.", "v."} {
				if rest, ok := strings.CutPrefix(t.Name, p+kind); ok {
					param = rest
				}
			}
		}
		switch {
		case param == "" || st.Tensor(param) == nil:
			return fmt.Errorf("checkpoint tensor %q is neither a parameter of this %s model nor optimizer state for one", t.Name, task.Kind())
		case t.DType != checkpoint.F32 || len(t.F32) != len(st.Data(param)):
			return fmt.Errorf("checkpoint tensor %q is %s with %d values; allowed: F32 with %d values, the size of parameter %s", t.Name, t.DType, len(t.F32)+len(t.F64)+len(t.I64), len(st.Data(param)), param)
		}
	}
	return nil
}
