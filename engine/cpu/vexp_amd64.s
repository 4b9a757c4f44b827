#include "textflag.h"

// expSSE and tanhSSE compute github.com/chewxy/math32's Exp (its amd64
// assembly, exp_amd64.s) and Tanh (its Go code) four lanes at a time. Each
// lane runs the scalar code's operations in its order with the packed form
// of each SSE instruction (packed and scalar SSE arithmetic and conversions
// round alike), and the scalar code's branches become masks, so every result
// has the bits math32 gives (vexp_amd64.go; tested on every float32).

// The constants of math32's exp_amd64.s, spelled as there so that the
// assembler encodes the same float32 values.
#define LN2U 0.693145751953125
#define LN2L 1.428606765330187045e-06
#define LOG2E 1.44269502162933349609375
#define T0 1.0
#define T1 0.5
#define T2 0.166665524244308471679688
#define T3 0.0416710823774337768554688
#define T4 0.00836596917361021041870117

// BCAST(v, X): every lane of X is the float32 v.
#define BCAST(v, X) MOVSS $v, X; SHUFPS $0, X, X

// Integer constants in every lane: X12 0x7FFFFFFF (all but the sign), X13
// −Inf's bits, X14 127, X15 254.
#define INTCONSTS \
	MOVL $0x7FFFFFFF, AX; MOVL AX, X12; PSHUFL $0, X12, X12; \
	MOVL $0xFF800000, AX; MOVL AX, X13; PSHUFL $0, X13, X13; \
	MOVL $127, AX; MOVL AX, X14; PSHUFL $0, X14, X14; \
	MOVL $254, AX; MOVL AX, X15; PSHUFL $0, X15, X15

// EXP4: X0 = math32.Exp(X0) in each lane, through X1–X5 (X5 keeps x).
#define EXP4 \
	MOVAPS X0, X5; \
	BCAST(LOG2E, X1); MULPS X0, X1; \
	CVTPS2PL X1, X4; \
	CVTPL2PS X4, X1; \
	BCAST(LN2U, X2); MULPS X1, X2; SUBPS X2, X0; \
	BCAST(LN2L, X2); MULPS X1, X2; SUBPS X2, X0; \
	BCAST(0.0625, X2); MULPS X2, X0; \
	BCAST(T4, X2); ADDPS X2, X1; MULPS X0, X1; \
	BCAST(T3, X2); ADDPS X2, X1; MULPS X0, X1; \
	BCAST(T2, X2); ADDPS X2, X1; MULPS X0, X1; \
	BCAST(T1, X2); ADDPS X2, X1; MULPS X0, X1; \
	BCAST(T0, X2); ADDPS X2, X1; MULPS X1, X0; \
	BCAST(2.0, X3); \
	MOVAPS X3, X1; ADDPS X0, X1; MULPS X1, X0; \
	MOVAPS X3, X1; ADDPS X0, X1; MULPS X1, X0; \
	MOVAPS X3, X1; ADDPS X0, X1; MULPS X1, X0; \
	MOVAPS X3, X1; ADDPS X0, X1; MULPS X1, X0; \
	BCAST(1.0, X2); ADDPS X2, X0; \
	PADDL X14, X4; \
	MOVO X4, X1; PSLLL $23, X1; MULPS X1, X0; \
	PXOR X2, X2; MOVO X4, X1; PCMPGTL X2, X1; ANDPS X1, X0; \
	MOVO X4, X1; PCMPGTL X15, X1; \
	MOVO X1, X2; ANDNPS X0, X2; \
	MOVO X13, X3; ANDPS X12, X3; \
	ANDPS X3, X1; ORPS X2, X1; MOVO X1, X0; \
	MOVO X5, X1; ANDPS X12, X1; \
	MOVO X3, X2; PCMPGTL X1, X2; \
	MOVO X5, X1; PCMPEQL X13, X1; ANDNPS X5, X1; \
	ANDPS X2, X0; ANDNPS X1, X2; ORPS X2, X0

// In EXP4, after the polynomial: X4 = k+127; the result is X0·2^k where
// 0 < k+127 (else 0) and k+127 ≤ 254 (else +Inf, X3's bits), and for a
// non-finite x (|x| not below +Inf): 0 for −Inf, x itself otherwise.

// func expSSE(d, a []float32)
TEXT ·expSSE(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), DI
	MOVQ d_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	INTCONSTS
	SHRQ $2, CX
eloop:
	CMPQ CX, $0
	JEQ  edone
	MOVUPS (SI), X0
	EXP4
	MOVUPS X0, (DI)
	ADDQ $16, SI
	ADDQ $16, DI
	DECQ CX
	JMP  eloop
edone:
	RET

// func tanhSSE(d, a []float32, k *[8]float32)
//
// math32.Tanh: z = |x|; ±1 where z > k[0] (0.5·MAXLOG); where z ≥ 0.625,
// ±(1 − 2/(Exp(z+z)+1)) with x's sign; x itself where x = ±0; otherwise
// x + x·s·P(s), s = x², P's coefficients k[1…5] as Tanh's expression orders
// them (k[2] and k[4] subtracted). z is compared as bits (a non-negative
// float orders as its bits), a NaN taking the last case as in Tanh. k[6] is
// 0.625's bits − 1, k[7] +Inf's.
TEXT ·tanhSSE(SB), NOSPLIT, $0-56
	MOVQ d_base+0(FP), DI
	MOVQ d_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ k+48(FP), DX
	INTCONSTS
	SHRQ $2, CX
tloop:
	CMPQ CX, $0
	JEQ  tdone
	MOVUPS (SI), X6         // x
	MOVO   X6, X7
	ANDPS  X12, X7          // z = |x|
	MOVO   X12, X8
	ANDNPS X6, X8           // x's sign bit
	MOVSS  0(DX), X1
	SHUFPS $0, X1, X1
	MOVO   X7, X10
	PCMPGTL X1, X10         // z > 0.5·MAXLOG (bits)
	MOVSS  28(DX), X1
	SHUFPS $0, X1, X1
	MOVO   X7, X11
	PCMPGTL X1, X11         // z is a NaN
	ANDNPS X10, X11         // big: z > 0.5·MAXLOG, not a NaN
	MOVSS  24(DX), X1
	SHUFPS $0, X1, X1
	MOVO   X7, X10
	PCMPGTL X1, X10         // z ≥ 0.625 or a NaN
	MOVSS  28(DX), X1
	SHUFPS $0, X1, X1
	MOVO   X7, X2
	PCMPGTL X1, X2          // z is a NaN
	ANDNPS X10, X2          // z ≥ 0.625, not a NaN
	MOVO   X11, X10
	ANDNPS X2, X10          // middle: that, not big
	BCAST(1.0, X9)
	ORPS   X8, X9           // ±1
	ANDPS  X11, X9          // the big case's lanes
	PXOR   X0, X0
	MOVMSKPS X10, AX
	TESTL  AX, AX
	JEQ    tmerge           // no lane takes the middle case: no Exp
	MOVAPS X7, X0
	ADDPS  X7, X0           // z + z
	EXP4                    // s
	BCAST(1.0, X1)
	ADDPS  X1, X0           // s + 1
	BCAST(2.0, X2)
	DIVPS  X0, X2           // 2/(s+1)
	MOVAPS X1, X0
	SUBPS  X2, X0           // 1 − 2/(s+1)
	ORPS   X8, X0           // signed as x (it is positive)
	ANDPS  X10, X0          // the middle case's lanes
tmerge:
	ORPS   X9, X0
	ORPS   X11, X10         // big or middle
	MOVAPS X6, X1
	MULPS  X6, X1           // s = x·x
	MOVSS  4(DX), X2
	SHUFPS $0, X2, X2
	MULPS  X1, X2           // k1·s
	MOVSS  8(DX), X3
	SHUFPS $0, X3, X3
	ADDPS  X3, X2
	MULPS  X1, X2
	MOVSS  12(DX), X3
	SHUFPS $0, X3, X3
	SUBPS  X3, X2
	MULPS  X1, X2
	MOVSS  16(DX), X3
	SHUFPS $0, X3, X3
	ADDPS  X3, X2
	MULPS  X1, X2
	MOVSS  20(DX), X3
	SHUFPS $0, X3, X3
	SUBPS  X3, X2
	MULPS  X1, X2           // ·s
	MULPS  X6, X2           // ·x
	ADDPS  X6, X2           // + x
	PXOR   X3, X3
	PCMPEQL X7, X3          // x = ±0
	MOVO   X3, X4
	ANDPS  X6, X4           // x where x = ±0
	ANDNPS X2, X3           // the polynomial elsewhere
	ORPS   X4, X3
	ANDNPS X3, X10          // the last two cases' lanes
	ORPS   X10, X0
	MOVUPS X0, (DI)
	ADDQ $16, SI
	ADDQ $16, DI
	DECQ CX
	JMP  tloop
tdone:
	RET
