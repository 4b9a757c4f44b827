//go:build !amd64 || !(linux || freebsd)

package blas

import "github.com/ebitengine/purego"

// bindHot binds the hot-path CBLAS routines with purego.RegisterLibFunc,
// whose reflection-built calls allocate on the Go heap; only amd64 has the
// allocation-free trampoline (ccall_amd64.go). It panics when a symbol is
// missing.
func bindHot(handle uintptr) {
	purego.RegisterLibFunc(&cblasSgemm, handle, "cblas_sgemm")
	purego.RegisterLibFunc(&cblasDgemm, handle, "cblas_dgemm")
	purego.RegisterLibFunc(&cblasSgemv, handle, "cblas_sgemv")
	purego.RegisterLibFunc(&cblasDgemv, handle, "cblas_dgemv")
	purego.RegisterLibFunc(&cblasSdot, handle, "cblas_sdot")
	purego.RegisterLibFunc(&cblasDdot, handle, "cblas_ddot")
	purego.RegisterLibFunc(&cblasSaxpy, handle, "cblas_saxpy")
	purego.RegisterLibFunc(&cblasDaxpy, handle, "cblas_daxpy")
	purego.RegisterLibFunc(&setThreadsHot, handle, "openblas_set_num_threads")
}
