#include "textflag.h"

// Elementwise float32 arithmetic over slices with SSE (part of the amd64
// baseline, so no feature check): 8 elements per iteration in two XMM
// registers, then one at a time. Packed and scalar SSE arithmetic round
// alike (IEEE 754 single precision, round to nearest even, the MXCSR Go
// leaves alone), so every result has the bits of the Go loop it replaces
// (vec.go). d has n = len(d) elements; a and b at least n.

// VV(op): d[i] = a[i] op b[i].
#define VV(name, op, sop) \
TEXT name(SB), NOSPLIT, $0-72; \
	MOVQ d_base+0(FP), DI; \
	MOVQ d_len+8(FP), CX; \
	MOVQ a_base+24(FP), SI; \
	MOVQ b_base+48(FP), DX; \
loop8: \
	CMPQ CX, $8; \
	JLT  tail; \
	MOVUPS (SI), X0; \
	MOVUPS 16(SI), X1; \
	MOVUPS (DX), X2; \
	MOVUPS 16(DX), X3; \
	op     X2, X0; \
	op     X3, X1; \
	MOVUPS X0, (DI); \
	MOVUPS X1, 16(DI); \
	ADDQ   $32, SI; \
	ADDQ   $32, DX; \
	ADDQ   $32, DI; \
	SUBQ   $8, CX; \
	JMP    loop8; \
tail: \
	CMPQ CX, $0; \
	JEQ  done; \
	MOVSS (SI), X0; \
	MOVSS (DX), X2; \
	sop   X2, X0; \
	MOVSS X0, (DI); \
	ADDQ  $4, SI; \
	ADDQ  $4, DX; \
	ADDQ  $4, DI; \
	DECQ  CX; \
	JMP   tail; \
done: \
	RET

// VS(op): d[i] = a[i] op s.
#define VS(name, op, sop) \
TEXT name(SB), NOSPLIT, $0-52; \
	MOVQ  d_base+0(FP), DI; \
	MOVQ  d_len+8(FP), CX; \
	MOVQ  a_base+24(FP), SI; \
	MOVSS s+48(FP), X4; \
	SHUFPS $0, X4, X4; \
loop8: \
	CMPQ CX, $8; \
	JLT  tail; \
	MOVUPS (SI), X0; \
	MOVUPS 16(SI), X1; \
	op     X4, X0; \
	op     X4, X1; \
	MOVUPS X0, (DI); \
	MOVUPS X1, 16(DI); \
	ADDQ   $32, SI; \
	ADDQ   $32, DI; \
	SUBQ   $8, CX; \
	JMP    loop8; \
tail: \
	CMPQ CX, $0; \
	JEQ  done; \
	MOVSS (SI), X0; \
	sop   X4, X0; \
	MOVSS X0, (DI); \
	ADDQ  $4, SI; \
	ADDQ  $4, DI; \
	DECQ  CX; \
	JMP   tail; \
done: \
	RET

// SV(op): d[i] = s op a[i].
#define SV(name, op, sop) \
TEXT name(SB), NOSPLIT, $0-52; \
	MOVQ  d_base+0(FP), DI; \
	MOVQ  d_len+8(FP), CX; \
	MOVQ  a_base+24(FP), SI; \
	MOVSS s+48(FP), X4; \
	SHUFPS $0, X4, X4; \
loop8: \
	CMPQ CX, $8; \
	JLT  tail; \
	MOVUPS (SI), X2; \
	MOVUPS 16(SI), X3; \
	MOVAPS X4, X0; \
	MOVAPS X4, X1; \
	op     X2, X0; \
	op     X3, X1; \
	MOVUPS X0, (DI); \
	MOVUPS X1, 16(DI); \
	ADDQ   $32, SI; \
	ADDQ   $32, DI; \
	SUBQ   $8, CX; \
	JMP    loop8; \
tail: \
	CMPQ CX, $0; \
	JEQ  done; \
	MOVSS (SI), X2; \
	MOVAPS X4, X0; \
	sop   X2, X0; \
	MOVSS X0, (DI); \
	ADDQ  $4, SI; \
	ADDQ  $4, DI; \
	DECQ  CX; \
	JMP   tail; \
done: \
	RET

VV(·addVV, ADDPS, ADDSS)
VV(·subVV, SUBPS, SUBSS)
VV(·mulVV, MULPS, MULSS)
VV(·divVV, DIVPS, DIVSS)
VS(·addVS, ADDPS, ADDSS)
VS(·subVS, SUBPS, SUBSS)
VS(·mulVS, MULPS, MULSS)
VS(·divVS, DIVPS, DIVSS)
SV(·subSV, SUBPS, SUBSS)
SV(·divSV, DIVPS, DIVSS)

// MAXPS and MINPS with a in the destination give a > b ? a : b and
// a < b ? a : b, b for a NaN or two zeros: the OpMax and OpMin loops of Go.
VV(·maxVV, MAXPS, MAXSS)
VV(·minVV, MINPS, MINSS)
VS(·maxVS, MAXPS, MAXSS)
VS(·minVS, MINPS, MINSS)
SV(·maxSV, MAXPS, MAXSS)
SV(·minSV, MINPS, MINSS)
