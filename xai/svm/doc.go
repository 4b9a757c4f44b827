// Package svm trains C-support vector classifiers (C-SVC) in the manner of
// libsvm (Chang & Lin, "LIBSVM: a library for support vector machines",
// ACM TIST 2011): sequential minimal optimization of the dual with the
// second-order working-set selection of Fan, Chen & Lin (JMLR 2005),
// shrinking with gradient reconstruction, and an LRU cache of kernel
// columns; linear, rbf, polynomial and sigmoid kernels; one-vs-one
// multiclass with voting; optional Platt-scaled probabilities (Lin, Lin &
// Weng 2007) coupled across pairs by Wu, Lin & Weng (JMLR 2004); optional
// standardization. The code is an independent Go implementation of those
// published algorithms; docs/svm.md compares it with scikit-learn's SVC.
package svm
