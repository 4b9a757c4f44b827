package cuda

import (
	"errors"
	"fmt"
)

// Result is a CUresult, the status code every driver API call returns.
type Result int32

// The driver's status codes that genxai tests for (cuda.h, enum cudaError_enum).
const (
	Success                       Result = 0
	ErrorInvalidValue             Result = 1
	ErrorOutOfMemory              Result = 2
	ErrorNotInitialized           Result = 3
	ErrorInsufficientDriver       Result = 35
	ErrorNoDevice                 Result = 100
	ErrorInvalidDevice            Result = 101
	ErrorInvalidImage             Result = 200
	ErrorInvalidContext           Result = 201
	ErrorInvalidPTX               Result = 218
	ErrorInvalidHandle            Result = 400
	ErrorIllegalState             Result = 401
	ErrorNotFound                 Result = 500
	ErrorNotReady                 Result = 600
	ErrorIllegalAddress           Result = 700
	ErrorLaunchOutOfResources     Result = 701
	ErrorLaunchFailed             Result = 719
	ErrorNotSupported             Result = 801
	ErrorStreamCaptureUnsupported Result = 900
	ErrorStreamCaptureInvalidated Result = 901
	ErrorStreamCaptureUnmatched   Result = 903
	ErrorCapturedEvent            Result = 907
	ErrorUnknown                  Result = 999
)

// resultNames are the driver's own names (what cuGetErrorName returns), for
// the fake driver and for messages when the driver cannot be asked.
var resultNames = map[Result]string{
	Success:                       "CUDA_SUCCESS",
	ErrorInvalidValue:             "CUDA_ERROR_INVALID_VALUE",
	ErrorOutOfMemory:              "CUDA_ERROR_OUT_OF_MEMORY",
	ErrorNotInitialized:           "CUDA_ERROR_NOT_INITIALIZED",
	ErrorInsufficientDriver:       "CUDA_ERROR_INSUFFICIENT_DRIVER",
	ErrorNoDevice:                 "CUDA_ERROR_NO_DEVICE",
	ErrorInvalidDevice:            "CUDA_ERROR_INVALID_DEVICE",
	ErrorInvalidImage:             "CUDA_ERROR_INVALID_IMAGE",
	ErrorInvalidContext:           "CUDA_ERROR_INVALID_CONTEXT",
	ErrorInvalidPTX:               "CUDA_ERROR_INVALID_PTX",
	ErrorInvalidHandle:            "CUDA_ERROR_INVALID_HANDLE",
	ErrorIllegalState:             "CUDA_ERROR_ILLEGAL_STATE",
	ErrorNotFound:                 "CUDA_ERROR_NOT_FOUND",
	ErrorNotReady:                 "CUDA_ERROR_NOT_READY",
	ErrorIllegalAddress:           "CUDA_ERROR_ILLEGAL_ADDRESS",
	ErrorLaunchOutOfResources:     "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
	ErrorLaunchFailed:             "CUDA_ERROR_LAUNCH_FAILED",
	ErrorNotSupported:             "CUDA_ERROR_NOT_SUPPORTED",
	ErrorStreamCaptureUnsupported: "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED",
	ErrorStreamCaptureInvalidated: "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
	ErrorStreamCaptureUnmatched:   "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED",
	ErrorCapturedEvent:            "CUDA_ERROR_CAPTURED_EVENT",
	ErrorUnknown:                  "CUDA_ERROR_UNKNOWN",
}

// String is the driver's name for r, e.g. "CUDA_ERROR_OUT_OF_MEMORY".
func (r Result) String() string {
	if n, ok := resultNames[r]; ok {
		return n
	}
	return fmt.Sprintf("CUresult(%d)", int32(r))
}

// Error is a failed driver (or cuBLAS) call: which call, the status code, the
// library's name for it and, where known, what it means and what to do.
type Error struct {
	// Call is the C function that failed, e.g. "cuMemAlloc_v2".
	Call string
	// Code is the status the call returned (for a cuBLAS call, its
	// cublasStatus_t value).
	Code Result
	// Name is the library's name for Code, e.g. "CUDA_ERROR_OUT_OF_MEMORY".
	Name string
	// Detail is the library's description or the fake driver's explanation.
	Detail string
}

// Error formats e as "call: NAME (detail)".
func (e *Error) Error() string {
	s := e.Call + ": " + e.Name
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Errorf builds an *Error for call and code with a formatted detail; the fake
// driver uses it so that its errors read like the real driver's.
func Errorf(call string, code Result, format string, args ...any) *Error {
	return &Error{Call: call, Code: code, Name: code.String(), Detail: fmt.Sprintf(format, args...)}
}

// Code returns the status code carried by err (an *Error anywhere in its
// chain), Success for nil and ErrorUnknown for any other error.
func Code(err error) Result {
	if err == nil {
		return Success
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrorUnknown
}
