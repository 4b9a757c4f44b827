package config

import (
	"fmt"
	"slices"
	"strings"
)

// Reference renders the schema's keys as a Markdown table with the columns
// key, type, default, allowed and doc, in the schema's order.
func Reference(schema Schema) string {
	var b strings.Builder
	b.WriteString("| key | type | default | allowed | doc |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for i := range schema.Keys {
		k := &schema.Keys[i]
		def := "*required*"
		if !k.Required {
			v, _ := normalizeDefault(k.Type, k.Default)
			def = "`" + formatValue(v) + "`"
		}
		doc := k.Doc
		if len(k.Aliases) > 0 {
			doc += " (also: " + strings.Join(k.Aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
			k.Name, k.Type, def, cell(k.allowed()), cell(doc))
	}
	return b.String()
}

// allowed describes the key's constraints for the reference: bounds, enum
// and list length, or "any" when there are none.
func (k *Key) allowed() string {
	var parts []string
	if len(k.Enum) > 0 {
		parts = append(parts, strings.Join(k.Enum, ", "))
	}
	if b := k.boundsText(); b != "" {
		if k.Type.isList() {
			b = "each " + b
		}
		parts = append(parts, b)
	}
	if n := k.lenText(); n != "" {
		parts = append(parts, n)
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, "; ")
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// TrainingReference renders the reference of every training config, as
// written to docs/config.md: how configs are loaded and overridden, the keys
// shared by every kind, then one table per registered kind.
func TrainingReference() string {
	kinds := Kinds()
	var b strings.Builder
	b.WriteString(`# Configuration reference

<!-- Generated from config by FullReference; do not edit by hand.
     Regenerate with: go test ./models -run TestReferenceUpToDate -update -->

Training runs are described by YAML files such as ` + "`configs/vae-digits.yaml`" + `. A config is
loaded in three layers, each one winning over the one before:

1. the YAML file; nested mappings and dotted keys are equivalent (` + "`train: {lr: 0.01}`" + ` is ` + "`train.lr: 0.01`" + `);
2. environment variables ` + "`GENXAI_<KEY>`" + `: the key upper-cased, dots turned into underscores
   (` + "`GENXAI_TRAIN_LR=3e-4`" + ` sets ` + "`train.lr`" + `);
3. ` + "`--set key=value`" + ` on the command line, repeatable, the later winning. Values are read as YAML
   scalars or flow collections: ` + "`--set train.lr=3e-4`" + `, ` + "`--set model.hidden=[512,256]`" + `,
   ` + "`--set data.path=\"123\"`" + ` for a string that looks like a number.

Keys not listed below are errors, with the nearest known key suggested, and so are values of the wrong
type (` + "`1.5`" + ` for an int, a list for a number), out of range or not among the allowed values. Every
problem is reported at once, each naming the file and line (or the variable, or the ` + "`--set`" + `), the key,
the value and what is allowed, for example:

    configs/x.yaml:12: train.lr = -0.1 is out of range: must be > 0 and ≤ 10

An int accepts a whole number written as a float (` + "`1e4`" + `); a float accepts an int. A string key
takes any scalar as its literal text. ` + "`model.kind`" + ` chooses the schema: the shared keys below plus
the keys of that kind. The run directory's ` + "`config.yaml`" + ` holds the resolved config, defaults
included.

## Keys shared by every training config

`)
	if len(kinds) > 0 {
		s, _ := TrainingSchema(kinds[0])
		registry.RLock()
		n := len(registry.kinds[kinds[0]])
		registry.RUnlock()
		s.Keys = s.Keys[:len(s.Keys)-n]
		b.WriteString(Reference(s))
		b.WriteString("\nCross-key checks: `train.min_lr` ≤ `train.lr`; when `train.steps` > 0, `train.warmup_steps` < `train.steps`.\n")
	}
	for _, kind := range kinds {
		registry.RLock()
		own := slices.Clone(registry.kinds[kind])
		registry.RUnlock()
		fmt.Fprintf(&b, "\n## model.kind: %s\n\n", kind)
		b.WriteString(Reference(Schema{Name: kind, Keys: own}))
	}
	return b.String()
}
