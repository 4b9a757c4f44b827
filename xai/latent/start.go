package latent

import "genxai/xai/explain"

// settings are what start needs of a latent method's options.
type settings interface {
	check() error
	Flags() map[string]any
}

// start is how every latent method begins: it checks the options, opens the
// VAE run dir with its inputs (openVAE; messages name `explain <method>`) and
// creates the output directory outDir for method. The caller closes
// v.model; on an error nothing is left open.
func start(method string, o settings, dir, inputs, executor, outDir string) (v *vaeRun, out *explain.Out, err error) {
	if err := o.check(); err != nil {
		return nil, nil, err
	}
	if v, err = openVAE("explain "+method, dir, inputs, executor); err != nil {
		return nil, nil, err
	}
	if out, err = explain.Begin(outDir, method, o.Flags()); err != nil {
		v.model.Close()
		return nil, nil, err
	}
	return v, out, nil
}
