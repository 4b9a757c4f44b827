#include "textflag.h"

// Elementwise float32 arithmetic over slices with SSE (part of the amd64
// baseline, so no feature check): 8 elements per iteration in two XMM
// registers, then one at a time. Packed and scalar SSE arithmetic round
// alike (IEEE 754 single precision, round to nearest even, the MXCSR Go
// leaves alone), so every result has the bits of the Go loop it replaces
// (vec.go). d has n = len(d) elements; a and b at least n.

// LOOP(…): d[i] = f op t, 8 elements per iteration (f in X0 and X1, t in
// t0 and t1) then one at a time. a[i] is loaded into X2 (and X3); setup
// loads the other operand's pointer or the scalar (broadcast in X4), load8
// and load1 its next values, f0, f1, t0 and t1 name which registers hold a[i]
// and which the other operand.
#define LOOP(name, frame, setup, load8, load1, op, sop, f0, f1, t0, t1) \
TEXT name(SB), NOSPLIT, $0-frame; \
	MOVQ d_base+0(FP), DI; \
	MOVQ d_len+8(FP), CX; \
	MOVQ a_base+24(FP), SI; \
	setup; \
loop8: \
	CMPQ CX, $8; \
	JLT  tail; \
	MOVUPS (SI), X2; \
	MOVUPS 16(SI), X3; \
	load8; \
	MOVAPS f0, X0; \
	MOVAPS f1, X1; \
	op     t0, X0; \
	op     t1, X1; \
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
	load1; \
	MOVAPS f0, X0; \
	sop   t0, X0; \
	MOVSS X0, (DI); \
	ADDQ  $4, SI; \
	ADDQ  $4, DI; \
	DECQ  CX; \
	JMP   tail; \
done: \
	RET

#define SETUP_B MOVQ b_base+48(FP), DX
#define LOAD8_B MOVUPS (DX), X4; MOVUPS 16(DX), X5; ADDQ $32, DX
#define LOAD1_B MOVSS (DX), X4; ADDQ $4, DX
#define SETUP_S MOVSS s+48(FP), X4; SHUFPS $0, X4, X4
#define NOTHING

// VV: d[i] = a[i] op b[i]; VS: a[i] op s; SV: s op a[i].
#define VV(name, op, sop) LOOP(name, 72, SETUP_B, LOAD8_B, LOAD1_B, op, sop, X2, X3, X4, X5)
#define VS(name, op, sop) LOOP(name, 52, SETUP_S, NOTHING, NOTHING, op, sop, X2, X3, X4, X4)
#define SV(name, op, sop) LOOP(name, 52, SETUP_S, NOTHING, NOTHING, op, sop, X4, X4, X2, X3)

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
