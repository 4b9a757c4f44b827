package config

import (
	"fmt"
	"strings"
)

// FullReference is docs/config.md: TrainingReference followed by
// CommandReference.
func FullReference() string { return TrainingReference() + "\n" + CommandReference() }

// CommandReference renders the keys of every command schema
// (CommandSchemas), one table per command, with how the commands' flags
// relate to the keys.
func CommandReference() string {
	var b strings.Builder
	b.WriteString(`# Commands other than train

` + "`genxai svm`, `gmm`, `glassbox logreg|ebm` and `explain <method>`" + ` are configured the same way as training:
a YAML file given with ` + "`-c FILE`" + `, then ` + "`GENXAI_<KEY>`" + ` variables, then ` + "`--set key=value`" + `, then the
command's flags, each winning over the one before and all checked as strictly as training configs.
Every flag is a shorthand for the key of the same name with dashes for underscores
(` + "`--max-iter`" + ` sets ` + "`max_iter`" + `; ` + "`svm --C`" + ` sets ` + "`c`" + `). The label column is ` + "`label`" + ` (` + "`--label`" + `) in
every command; glassbox also accepts its first name, ` + "`target`" + ` (` + "`--target`" + `). The run directory's
` + "`config.yaml`" + ` holds the resolved config and can be given back with ` + "`-c`" + `. Examples: ` + "`configs/svm-*.yaml`" + `,
` + "`configs/gmm-*.yaml`" + `, ` + "`configs/glassbox-*.yaml`" + `, ` + "`configs/explain-*.yaml`" + `.
`)
	for _, s := range CommandSchemas() {
		fmt.Fprintf(&b, "\n## genxai %s\n\n", s.Name)
		b.WriteString(Reference(s))
	}
	return b.String()
}
