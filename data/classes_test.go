package data

import (
	"slices"
	"testing"
)

func TestClassNames(t *testing.T) {
	im := &Images{Classes: 4, ClassNames: []string{"cat", "", "dog"}}
	if got, want := im.AllClassNames(), []string{"cat", "1", "dog", "3"}; !slices.Equal(got, want) {
		t.Errorf("AllClassNames = %q, want %q", got, want)
	}
	for k, want := range map[int]string{-1: "-1", 0: "cat", 1: "1", 7: "7"} {
		if got := im.ClassName(k); got != want {
			t.Errorf("ClassName(%d) = %q, want %q", k, got, want)
		}
	}
	if got := (&Images{Classes: 0}).AllClassNames(); len(got) != 0 {
		t.Errorf("no classes: AllClassNames = %q", got)
	}
}
