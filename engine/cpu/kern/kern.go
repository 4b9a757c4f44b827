// Package kern holds the CPU's plain kernels over host slices for the
// layers of convolutional models: im2col and col2im, max pooling,
// nearest upsampling and their gradients. The CPU backend splits them
// across workers by image or plane; nets' own Gorgonia ops run the same
// functions on the tape, so both executors compute these layers alike.
//
// Every function works on whole planes or images and writes only its own
// outputs, so calling it on disjoint ranges from several goroutines is safe.
package kern
