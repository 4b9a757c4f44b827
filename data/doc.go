// Package data reads the data sets genxai trains on and fixes the order in
// which it visits them. It depends only on the standard library.
//
// # Images
//
// [Images] holds a labelled image set in memory as float32 pixels in [0,1],
// laid out NCHW. Two sources exist:
//
//   - Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence): 60,000 training
//     and 10,000 test grey images of 28×28 in 10 clothing classes, stored in
//     LeCun's IDX format. [LoadFashionMNIST] reads the four files from a
//     directory (by default [DefaultFashionDir], where Debian's
//     dataset-fashion-mnist package installs them), gzip'd or raw: gzip is
//     recognised by its magic bytes 1f 8b, not by the file name.
//   - The 8×8 handwritten digits of the UCI Optical Recognition of Handwritten
//     Digits set (Alpaydin, Kaynak 1998; CC BY 4.0), embedded in the binary:
//     [Digits] returns all 1797 images, pixels 0..16 scaled by 1/16.
//
// [OpenImages] turns a config value ("builtin:digits", "fashion-mnist", a
// directory) into a train and a test set.
//
// # The IDX format
//
// An IDX file is a big-endian header followed by raw values. The header is
// two zero bytes, a type byte (0x08 = unsigned byte, the only type read
// here), a byte giving the number of dimensions, then one uint32 per
// dimension. Image files start 0x00000803 followed by count, rows, columns;
// label files start 0x00000801 followed by count. [ReadIDXImages] and
// [ReadIDXLabels] check the magic number, the dimensions, and that the file
// holds exactly the bytes the header declares; [DecodeIDXImages] and
// [DecodeIDXLabels] do the same on any io.Reader.
//
// # Tables
//
// [Table] is a numeric table read from CSV ([ReadCSV], [ParseCSV]): a header
// line is required, one column (chosen by name) is the label, every other
// column is a float64 feature. String labels are mapped to class indices in
// order of first appearance. Every error names the file, the 1-based line,
// the column and the cell. [LoadTable] also serves the embedded tables:
//
//   - "builtin:breast_cancer": Breast Cancer Wisconsin (Diagnostic) (Wolberg,
//     Street, Mangasarian 1995; CC BY 4.0), 569 rows × 30 features, label
//     "target" (0 = malignant, 1 = benign), as shipped in scikit-learn;
//     [BreastCancerSplit] gives the 455/114 split of scikit-learn's
//     train_test_split(test_size=0.2, random_state=42).
//   - "builtin:digits": the digits as 64 pixel columns p0..p63 and "label".
//
// The embedded files are byte-identical copies of the project's shared data;
// embedded/PROVENANCE.md records their sources, licences and SHA-256 sums.
//
// # Text
//
// [ReadText] reads a UTF-8 text corpus (for the character-level language
// model), refusing empty files and naming the offset of the first invalid byte.
//
// # Order
//
// Data order is a pure function of the seed: [Permutation] gives the
// shuffled order of one epoch from (seed, epoch), so a resumed run visits the
// examples exactly as an uninterrupted one; [Batches] cuts an order into
// mini-batches; [SplitIndices] carves a validation set. The generator is
// SplitMix64 (Steele, Lea, Flood 2014) driving a Fisher–Yates shuffle
// (Durstenfeld 1964) with Lemire's unbiased bounded integers (2019), all
// implemented here so the order does not change with the Go release.
package data
