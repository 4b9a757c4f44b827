// Package ccall calls C functions loaded at run time (purego's Dlsym)
// without cgo and without allocating on the Go heap, for the calls purego
// cannot make cheaply or at all: purego's RegisterFunc builds every call's
// frame with reflect (about 13 allocations per cblas_sgemm), purego.SyscallN
// cannot pass float arguments beside integers, and neither passes more than
// 15 arguments on amd64 (cublasSgemmStridedBatched takes 18).
//
// Call loads the System V AMD64 argument registers and stack from its
// arguments in a small assembly trampoline and runs it through
// runtime.cgocall on the system stack, exactly as purego does for its own
// calls. Only amd64 on Linux and FreeBSD has it (Available); elsewhere the
// callers keep their purego bindings.
package ccall
