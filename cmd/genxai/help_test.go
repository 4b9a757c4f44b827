package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// shellWords splits one line of an example into words the way a shell
// would for the simple quoting the examples use ("…" and '…').
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	quote, in := rune(0), false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// allCommands is every command of the tree, cobra's own completion and help
// included (they are added lazily by Execute; this adds them now).
func allCommands() []*cobra.Command {
	rootCmd.InitDefaultHelpCmd()
	rootCmd.InitDefaultCompletionCmd()
	var out []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		out = append(out, c)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(rootCmd)
	return out
}

// TestEveryCommandHasAnExample walks the whole command tree: every command
// but cobra's own has an Example, and every genxai line in it names an
// existing command and only flags that command has (so an example cannot
// go stale when a flag is renamed).
func TestEveryCommandHasAnExample(t *testing.T) {
	if err := attachExamples(rootCmd); err != nil {
		t.Fatal(err)
	}
	for _, c := range allCommands() {
		if cobraOwn(c) {
			continue
		}
		name := c.CommandPath()
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s: no Example in its --help; add one to cmd/genxai/examples.go", name)
			continue
		}
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			line, _, _ = strings.Cut(line, " && ")
			if !strings.HasPrefix(line, "genxai ") {
				continue
			}
			words := shellWords(line)[1:]
			sub, rest, err := rootCmd.Find(words)
			if err != nil || sub == rootCmd {
				t.Errorf("%s: example %q names no command: %v", name, line, err)
				continue
			}
			for _, w := range rest {
				if !strings.HasPrefix(w, "-") {
					continue
				}
				flag, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
				ok := false
				if strings.HasPrefix(w, "--") {
					ok = sub.Flags().Lookup(flag) != nil || sub.InheritedFlags().Lookup(flag) != nil
				} else {
					ok = sub.Flags().ShorthandLookup(flag) != nil || sub.InheritedFlags().ShorthandLookup(flag) != nil
				}
				if !ok {
					t.Errorf("%s: example %q uses %s, which %s does not have", name, line, w, sub.CommandPath())
				}
			}
		}
	}
}

// TestExampleConfigsExist: every configs/ file an example names is in the
// repository.
func TestExampleConfigsExist(t *testing.T) {
	re := regexp.MustCompile(`configs/[A-Za-z0-9._-]+\.yaml`)
	for key, ex := range examples {
		for _, p := range re.FindAllString(ex, -1) {
			if _, err := os.Stat(filepath.Join("..", "..", p)); err != nil {
				t.Errorf("example of %q names %s: %v", key, p, err)
			}
		}
	}
}

// TestCompletionScripts: genxai completion prints a script for each shell
// that mentions the program, and the binary's --help shows the examples
// (main attaches them before running).
func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, err := genxai(t, t.TempDir(), "completion", sh)
		if err != nil {
			t.Fatalf("completion %s: %v\n%s", sh, err, out)
		}
		if len(out) < 500 || !strings.Contains(out, "genxai") {
			t.Errorf("completion %s printed %d bytes without the program's name", sh, len(out))
		}
	}
	out, err := genxai(t, t.TempDir(), "explain", "saliency", "--help")
	if err != nil || !strings.Contains(out, "Examples:\n  genxai train -c configs/cnn-fashion.yaml") {
		t.Errorf("explain saliency --help shows no example (%v):\n%s", err, out)
	}
}
