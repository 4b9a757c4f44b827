// Package viz draws the pictures genxai leaves in run directories: line
// plots of training curves, bar charts and forest plots for the glass-box
// models, heatmaps for confusion matrices and attention, and image grids with
// colour maps for the neural side (samples, saliency, latent traversals).
//
// Plots are drawn with gonum.org/v1/plot and rasterised at 96 DPI; their size
// grows with the number of labels so that text stays readable. Image grids
// are plain image.RGBA values built pixel by pixel, each tile enlarged by
// nearest neighbour to at least MinCell (112) pixels, and labelled in the Go
// fonts (golang.org/x/image/font/gofont, rasterised by its opentype package)
// through one helper, DrawStyled, with WithTitle for the line that says what
// a picture shows. Every file is written atomically (see
// runs.WriteFileAtomic).
//
// Colour maps: Sequential follows the viridis map of van der Walt and Smith
// (matplotlib, 2015), which is perceptually uniform and readable in grey and
// by most colour-blind viewers; Diverging is a blue-white-red map after
// Brewer's RdBu scheme (colorbrewer2.org), centred on white at zero, for
// signed quantities such as attributions and coefficients.
package viz
