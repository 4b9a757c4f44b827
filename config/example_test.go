package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"genxai/config"
)

// A command with a config of its own declares a schema and loads it with
// Load; --set overrides win over the file.
func ExampleLoad() {
	schema := config.Schema{
		Name: "svm",
		Keys: []config.Key{
			config.StringKey("data.path", "builtin:breast_cancer", "CSV file or builtin table"),
			config.FloatKey("svm.c", 1, "soft-margin penalty").GreaterThan(0),
			config.StringKey("svm.kernel", "rbf", "kernel").OneOf("linear", "rbf"),
			config.IntListKey("folds", []int{5}, "cross-validation folds").Range(2, 20),
		},
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "svm.yaml")
	os.WriteFile(path, []byte("svm:\n  c: 10\n  kernel: linear\n"), 0o644)

	c, err := config.Load(path, schema, []string{"svm.c=0.5"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Float("svm.c"), c.String("svm.kernel"), c.Ints("folds"), c.String("data.path"))

	_, err = config.Load(path, schema, []string{"svm.kernal=poly", "svm.c=-1"})
	fmt.Println(err)
	// Output:
	// 0.5 linear [5] builtin:breast_cancer
	// --set svm.c=-1: svm.c = -1 is out of range: must be > 0
	// --set svm.kernal=poly: svm.kernal = poly is not a known key of the svm schema: did you mean svm.kernel?
}
