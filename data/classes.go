package data

import "strconv"

// ClassName is the name of class k: ClassNames[k] where the data set names
// it, otherwise the class number written in decimal ("3"), so every class
// has a printable name.
func (im *Images) ClassName(k int) string {
	if k >= 0 && k < len(im.ClassNames) && im.ClassNames[k] != "" {
		return im.ClassNames[k]
	}
	return strconv.Itoa(k)
}

// AllClassNames returns ClassName of each of the Classes classes, in label
// order: the names to write in a table or legend.
func (im *Images) AllClassNames() []string {
	names := make([]string, im.Classes)
	for k := range names {
		names[k] = im.ClassName(k)
	}
	return names
}
