package config

// The training kinds these tests load. The real model families register from
// package models, which config cannot import; this stand-in has the shapes the
// loader's tests need (lists, bounds, enums, booleans), written as plain Key
// literals.
func init() {
	RegisterExecutor("tape")
	RegisterExecutor("plan")
	RegisterKind("vae", []Key{
		{Name: "model.arch", Type: String, Default: "mlp", Enum: []string{"mlp", "conv"}, Doc: "architecture"},
		{Name: "model.hidden", Type: IntList, Default: []int{400}, Min: F(1), Max: F(65536), MinLen: 1, Doc: "hidden widths"},
		{Name: "model.latent", Type: Int, Default: 20, Min: F(1), Max: F(4096), Doc: "code size"},
		{Name: "model.batch_norm", Type: Bool, Default: false, Doc: "batch norm"},
		{Name: "model.dropout", Type: Float, Default: 0.0, Min: F(0), Max: F(1), MaxExclusive: true, Doc: "dropout"},
		{Name: "data.val_fraction", Type: Float, Default: 0.0, Min: F(0), Max: F(0.5), Doc: "held out"},
	}...)
	RegisterKind("lm", Key{Name: "model.block", Type: Int, Default: 64, Min: F(1), Doc: "context"})
}
