package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"genxai/config"
	"genxai/models"
)

// Every command other than train is configured the same way: a YAML file
// (-c), GENXAI_* environment variables, repeated --set key=value, and flags
// that are shorthands for keys of the command's schema (package config),
// each winning over the one before. configure writes that bridge once.

// shorthand ties a flag to the schema key it sets.
type shorthand struct{ flag, key string }

// flagsOf returns the shorthands named by specs: "key" gives the flag named
// as the key with dashes for underscores (max_iter: --max-iter), "flag=key"
// a flag of another name (C=c: --C sets c; target=label: an alias).
func flagsOf(specs ...string) []shorthand {
	out := make([]shorthand, len(specs))
	for i, s := range specs {
		f, key, ok := strings.Cut(s, "=")
		if !ok {
			f, key = strings.ReplaceAll(s, "_", "-"), s
		}
		out[i] = shorthand{f, key}
	}
	return out
}

// allFlags returns one shorthand per key of the schema, named as flagsOf
// names it, except where a "flag=key" spec in renames gives another name.
func allFlags(schema config.Schema, renames ...string) []shorthand {
	out := make([]shorthand, len(schema.Keys))
	for i, k := range schema.Keys {
		out[i] = flagsOf(k.Name)[0]
		for _, r := range flagsOf(renames...) {
			if r.key == k.Name {
				out[i] = r
			}
		}
	}
	return out
}

// scalarFlags is allFlags(schema) without the integer-list keys, which
// have no flag form: they are set with --set key=[a,b] or in a -c config.
func scalarFlags(schema config.Schema) []shorthand {
	var flags []shorthand
	for _, sh := range allFlags(schema) {
		if findKey(schema, sh.key).Type != config.IntList {
			flags = append(flags, sh)
		}
	}
	return flags
}

// runner runs a command on its loaded config, writing results to stdout
// and progress to log.
type runner func(c *config.Config, stdout, log io.Writer) error

// configure adds -c, --set and the shorthand flags to cmd, each flag typed,
// defaulted and documented from its key, and makes cmd load its config and
// call run. A key with two flags (an alias) documents the second as the
// first's alias. It returns cmd.
func configure(cmd *cobra.Command, schema config.Schema, flags []shorthand, run runner) *cobra.Command {
	fs := cmd.Flags()
	fs.StringP("config", "c", "", "YAML config of "+schema.Name+" (keys in docs/config.md)")
	fs.StringArray("set", nil, "override a config key: --set key=value (repeatable; see docs/config.md)")
	first := map[string]string{} // key -> its first flag
	for _, sh := range flags {
		k := findKey(schema, sh.key)
		doc := k.Doc
		if len(k.Enum) > 0 {
			doc += ": " + strings.Join(k.Enum, ", ")
		}
		if f, ok := first[sh.key]; ok {
			doc = "alias of --" + f
		} else {
			first[sh.key] = sh.flag
		}
		short := "" // a one-letter flag (-n) also takes the single-dash form
		if len(sh.flag) == 1 && sh.flag != "c" && sh.flag != "h" {
			short = sh.flag
		}
		switch def := k.Default.(type) {
		case string:
			fs.StringP(sh.flag, short, def, doc)
		case int:
			fs.IntP(sh.flag, short, def, doc)
		case float64:
			fs.Float64P(sh.flag, short, def, doc)
		case bool:
			fs.BoolP(sh.flag, short, def, doc)
		case []string:
			fs.StringSliceP(sh.flag, short, def, doc+" (comma-separated)")
		case nil: // a required key: the flag's zero value stands for unset
			zeroFlag(fs, sh.flag, short, k.Type, doc)
		default:
			panic(fmt.Sprintf("configure %s: key %q of type %s has no flag form", schema.Name, k.Name, k.Type))
		}
	}
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := loadCommandConfig(cmd, schema, flags)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(schema.Keys, func(k config.Key) bool { return k.Name == config.DeviceKey }) {
			models.UseDevice(c.String(config.DeviceKey), cmd.ErrOrStderr())
		}
		return run(c, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

// zeroFlag adds a flag of the key type t with its zero value.
func zeroFlag(fs *pflag.FlagSet, name, short string, t config.Type, doc string) {
	switch t {
	case config.Int:
		fs.IntP(name, short, 0, doc)
	case config.String:
		fs.StringP(name, short, "", doc)
	default:
		panic(fmt.Sprintf("flag --%s: a required key of type %s has no flag form", name, t))
	}
}

// findKey returns the schema's key named name; a missing key is a
// programming error in the command's flag table.
func findKey(schema config.Schema, name string) config.Key {
	i := slices.IndexFunc(schema.Keys, func(k config.Key) bool { return k.Name == name })
	if i < 0 {
		panic(fmt.Sprintf("schema %q has no key %q", schema.Name, name))
	}
	return schema.Keys[i]
}

// loadCommandConfig loads -c (or nothing), with the flags the user gave
// turned into --set overrides placed after the explicit --set values. With
// no config file, a required key that no layer sets is reported by its flag.
func loadCommandConfig(cmd *cobra.Command, schema config.Schema, flags []shorthand) (*config.Config, error) {
	fs := cmd.Flags()
	sets, _ := fs.GetStringArray("set")
	byFlag := map[string]string{} // "--set key=value" as config names it -> "--flag"
	for _, sh := range flags {
		if fs.Changed(sh.flag) {
			set := sh.key + "=" + flagYAML(fs.Lookup(sh.flag).Value, findKey(schema, sh.key))
			sets = append(sets, set)
			byFlag["--set "+set] = "--" + sh.flag
		}
	}
	path, _ := fs.GetString("config")
	if path != "" {
		c, err := config.Load(path, schema, sets)
		return c, nameFlags(err, byFlag)
	}
	for _, k := range schema.Keys {
		if k.Required && !setsKey(sets, k) {
			i := slices.IndexFunc(flags, func(sh shorthand) bool { return sh.key == k.Name })
			how := "--set " + k.Name + "=…"
			if i >= 0 {
				how = "--" + flags[i].flag
			}
			return nil, fmt.Errorf("%s: %s is required: %s; give it, or write %s in a -c config", cmd.CommandPath(), how, k.Doc, k.Name)
		}
	}
	c, err := config.Parse("command line", []byte("{}\n"), schema, sets)
	return c, nameFlags(err, byFlag)
}

// nameFlags makes the problems of a load that came from a flag name the
// flag (--kernel) rather than the --set override it was turned into.
func nameFlags(err error, byFlag map[string]string) error {
	var e *config.Error
	if !errors.As(err, &e) {
		return err
	}
	for _, pe := range e.Problems {
		var p *config.Problem
		if errors.As(pe, &p) {
			for set, flag := range byFlag {
				if p.Source == set || len(set) > 80 && strings.HasPrefix(set, strings.TrimSuffix(p.Source, "…")) {
					p.Source = flag
				}
			}
		}
	}
	return err
}

// setsKey reports whether an override or an environment variable sets k
// (by its name or an alias).
func setsKey(sets []string, k config.Key) bool {
	for _, name := range append([]string{k.Name}, k.Aliases...) {
		if os.Getenv(config.EnvName(name)) != "" || slices.ContainsFunc(sets, func(s string) bool {
			key, _, _ := strings.Cut(s, "=")
			return strings.TrimSpace(key) == name
		}) {
			return true
		}
	}
	return false
}

// flagValue is the part of pflag.Value that flagYAML reads.
type flagValue interface{ String() string }

// flagYAML renders a flag's value as the YAML value of a --set override:
// strings quoted (lower-cased when the key allows only some values, so
// --kernel RBF still works), lists as flow sequences, numbers and bools as
// the flag prints them.
func flagYAML(v flagValue, k config.Key) string {
	switch k.Type {
	case config.StringList:
		var vals []string
		if sv, ok := v.(interface{ GetSlice() []string }); ok {
			vals = sv.GetSlice()
		}
		q := make([]string, len(vals))
		for i, s := range vals {
			q[i] = strconv.Quote(strings.TrimSpace(s))
		}
		return "[" + strings.Join(q, ", ") + "]"
	case config.String:
		s := v.String()
		if len(k.Enum) > 0 {
			s = strings.ToLower(strings.TrimSpace(s))
		}
		return strconv.Quote(s)
	}
	return v.String()
}

// interruptible makes a runner of a command's RunFromConfig: Ctrl-C or
// SIGTERM cancels it (its error then asks for exit status 130), and with
// report set the report of its --out directory is written when it succeeds.
func interruptible(cmd *cobra.Command, run func(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error), report bool) runner {
	return func(c *config.Config, stdout, log io.Writer) error {
		return withInterrupt(cmd.Context(), func(ctx context.Context) error {
			if _, err := run(ctx, c, stdout, log); err != nil {
				return err
			}
			if out := c.String("out"); report && out != "" {
				return writeReport(stdout, out)
			}
			return nil
		})
	}
}
