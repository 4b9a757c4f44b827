package blas

import "testing"

// TestCoreTypeOf checks the kernel-family rule on fixed /proc/cpuinfo texts,
// AMD and Intel alike.
func TestCoreTypeOf(t *testing.T) {
	const amdAVX512 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n" +
		"flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16\n" +
		"processor\t: 1\nflags\t\t: fpu sse sse2\n"
	cases := []struct{ name, cpuinfo, want string }{
		{"AMD with AVX-512", amdAVX512, "SkylakeX"},
		{"Intel with AVX-512", "vendor_id\t: GenuineIntel\nflags\t\t: sse avx fma avx2 avx512f avx512dq avx512bw avx512vl\n", "SkylakeX"},
		{"AVX-512F without BW", "vendor_id\t: GenuineIntel\nflags\t\t: avx fma avx2 avx512f avx512dq avx512vl\n", "Haswell"},
		{"AMD with AVX2 only", "vendor_id\t: AuthenticAMD\nflags\t\t: sse avx fma avx2\n", "Haswell"},
		{"AVX2 without FMA", "flags\t\t: sse avx avx2\n", ""},
		{"SSE only", "flags\t\t: fpu sse sse2 sse3\n", ""},
		{"no flags line", "processor\t: 0\nvendor_id\t: AuthenticAMD\n", ""},
		{"a flag named inside another line only", "model name\t: avx512f avx512bw avx512dq avx512vl\nflags\t\t: sse\n", ""},
	}
	for _, c := range cases {
		if got := coreTypeOf(c.cpuinfo); got != c.want {
			t.Errorf("%s: coreTypeOf = %q, want %q", c.name, got, c.want)
		}
	}
}
