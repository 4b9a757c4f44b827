package config

import "slices"

// Command schemas: every genxai command other than train is configured the
// same way as training, from a YAML file (-c), GENXAI_* variables and
// --set key=value, validated against one of the schemas below. Their flags
// are shorthands for keys of these schemas (see cmd/genxai/cmdconfig.go).

// CommandSchemas returns the schema of every configurable command other
// than train, in the order of the reference (docs/config.md): svm, gmm, compare, ar,
// glassbox logreg, glassbox ebm, glassbox kan, eval, generate, denoise, then one per explain
// method.
func CommandSchemas() []Schema {
	out := []Schema{SVMSchema(), GMMSchema(), CompareSchema(), ARSchema(), LogRegSchema(), EBMSchema(), KANSchema(), EvalSchema(), GenerateSchema(), DenoiseSchema()}
	for _, m := range ExplainMethods() {
		s, _ := ExplainSchema(m)
		out = append(out, s)
	}
	return out
}

// CommandSchema returns the schema named name (Schema.Name, e.g. "svm" or
// "explain saliency"), and whether there is one.
func CommandSchema(name string) (Schema, bool) {
	all := CommandSchemas()
	i := slices.IndexFunc(all, func(s Schema) bool { return s.Name == name })
	if i < 0 {
		return Schema{}, false
	}
	return all[i], true
}

// LabelKey is the name of the label-column key in every command schema
// (svm, gmm, glassbox); "target" is accepted as an alias where glassbox
// used it.
const LabelKey = "label"

// labelKey returns the label-column key with the command's own doc line.
func labelKey(doc string) Key { return StringKey(LabelKey, "", doc) }

// ForceKey is the key (flag --force) that lets a command write into an out
// directory holding another run or files a run could overwrite, deleting
// them first (runs.Create).
const ForceKey = "force"

// forceKey returns the ForceKey key.
func forceKey() Key {
	return BoolKey(ForceKey, false, "write into out even when it holds another run or files a run could overwrite, deleting them first")
}

// DeviceKey is the key of the device a command that runs a trained model
// puts it on.
const DeviceKey = "device"

// DeviceOfRun is the device key's default: the run's own device setting.
const DeviceOfRun = "run"

// deviceKey returns the device key of the commands that run a trained
// model: "run" keeps the device the run was trained with (its config's
// device), resolved again on this machine.
func deviceKey() Key {
	return StringKey(DeviceKey, DeviceOfRun, "where the model runs: run (the run's own device setting), auto (a GPU when one answers, else the CPU), cpu or cuda").OneOf(DeviceOfRun, "auto", "cpu", "cuda")
}

// RunDeviceKey is the device key of a command that runs trained models and
// is configured outside this package (genxai augment).
func RunDeviceKey() Key { return deviceKey() }

// outKey returns the run-directory key; prefix names the default directory.
func outKey(prefix string) Key {
	return StringKey("out", "", "run directory (empty: runs/"+prefix+"-<time>)")
}
