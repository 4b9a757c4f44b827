package data

import _ "embed"

// GenxaiCorpus is data/corpus/genxai.txt, a short essay written for this
// project by its authors (see data/corpus/README.md), embedded so that
// `genxai demo` trains its language model with no file to fetch.
//
//go:embed corpus/genxai.txt
var GenxaiCorpus []byte
