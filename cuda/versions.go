package cuda

import (
	"fmt"

	"genxai/cuda/dl"
)

// nvrtcSonames are NVRTC's names, newest first (11.2 is the oldest with a
// stable soname, and Debian's libnvrtc11.2 package ships it).
var nvrtcSonames = []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"}

// LibraryStatus is one NVIDIA library as `genxai devices` reports it.
type LibraryStatus struct {
	// Name is the library's product name, e.g. "cuBLAS".
	Name string
	// Path is what opened it; Version its version; both "" when Err is set.
	Path, Version string
	// Err says why the library or its version could not be read.
	Err error
}

// String is "Name: version (path)" or "Name: unavailable: why".
func (s LibraryStatus) String() string {
	if s.Err != nil {
		return fmt.Sprintf("%s: unavailable: %v", s.Name, s.Err)
	}
	return fmt.Sprintf("%s: %s (%s)", s.Name, s.Version, s.Path)
}

// Libraries reports the CUDA driver, cuBLAS and NVRTC: each one's version
// where it loads (none needs a GPU), else what was tried. NVRTC is only
// opened to read its version here; compiling is cuda/nvrtc's work.
func Libraries() []LibraryStatus {
	drv := LibraryStatus{Name: "CUDA driver"}
	if d, err := LoadDriver(); err != nil {
		drv.Err = err
	} else {
		var v int32
		drv.Path, drv.Err = d.Lib.Path, d.check("cuDriverGetVersion", d.CuDriverGetVersion(&v))
		drv.Version = fmt.Sprintf("CUDA %d.%d", v/1000, v%1000/10)
	}
	blas := LibraryStatus{Name: "cuBLAS"}
	if b, err := LoadCublas(); err != nil {
		blas.Err = err
	} else {
		blas.Path = b.Lib.Path
		blas.Version, blas.Err = b.LibraryVersion()
	}
	return []LibraryStatus{drv, blas, nvrtcStatus()}
}

// nvrtcStatus opens NVRTC and asks its version (nvrtcVersion).
func nvrtcStatus() LibraryStatus {
	s := LibraryStatus{Name: "NVRTC"}
	l, err := dl.Open("NVRTC", nvrtcSonames...)
	if err != nil {
		s.Err = err
		return s
	}
	var version func(major, minor *int32) int32
	if s.Err = l.Bind(&version, "nvrtcVersion"); s.Err != nil {
		return s
	}
	var major, minor int32
	if rc := version(&major, &minor); rc != 0 {
		s.Err = fmt.Errorf("nvrtcVersion returned %d", rc)
		return s
	}
	s.Path, s.Version = l.Path, fmt.Sprintf("%d.%d", major, minor)
	return s
}
