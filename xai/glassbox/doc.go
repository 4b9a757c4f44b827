// Package glassbox holds models that are interpretable by construction:
// logistic regression read as odds ratios (LogReg) and the Explainable
// Boosting Machine (EBM), a generalized additive model learned by cyclic
// gradient boosting.
//
// Both fitters take a plain row-major feature matrix (rows × len(features)
// float64 values) and a label vector, so they do not depend on any one data
// source; the genxai command line adapts data.Table to them.
//
// References:
//
//   - P. McCullagh and J. A. Nelder, Generalized Linear Models, 2nd ed., 1989
//     (Newton / iteratively reweighted least squares, Wald tests).
//   - A. Albert and J. A. Anderson, "On the existence of maximum likelihood
//     estimates in logistic regression models", Biometrika 71(1), 1984
//     (complete and quasi-complete separation).
//   - D. McFadden, "Conditional logit analysis of qualitative choice
//     behavior", 1974 (pseudo-R²).
//   - Y. Lou, R. Caruana and J. Gehrke, "Intelligible models for
//     classification and regression", KDD 2012 (cyclic boosting of shape
//     functions).
//   - Y. Lou, R. Caruana, J. Gehrke and G. Hooker, "Accurate intelligible
//     models with pairwise interactions", KDD 2013 (GA²M and the FAST
//     interaction ranking).
//   - H. Nori, S. Jenkins, P. Koch and R. Caruana, "InterpretML: A Unified
//     Framework for Machine Learning Interpretability", 2019 (the EBM
//     defaults: bagging, early stopping, learning rate, few leaves).
package glassbox
