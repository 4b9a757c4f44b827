#include "textflag.h"

// func adamSSE(w, g, m, v []float32, k *[10]float32, mode int)
//
// engine.StepAdamArgs four elements at a time over the first len(w)&^3
// elements, with k = scale, decay or weight decay, β₁, 1−β₁, β₂, 1−β₂,
// √(bias correction 2), ε, step size and mode 0 (no decay), 1 (AdamW:
// w·decay) or 2 (Adam: g + wd·w). Every operation is the IEEE 754 single
// operation of the Go loop, in its order; √ is SQRTPS, which rounds as the Go
// loop's float64 square root rounded to float32 does (a double square root
// of a float32 value rounds once to float32 correctly).
TEXT ·adamSSE(SB), NOSPLIT, $0-112
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), R8
	MOVQ v_base+72(FP), R9
	MOVQ k+96(FP), AX
	MOVQ mode+104(FP), BX
	MOVSS 0(AX), X8
	SHUFPS $0, X8, X8   // scale
	MOVSS 4(AX), X9
	SHUFPS $0, X9, X9   // decay or wd
	MOVSS 8(AX), X10
	SHUFPS $0, X10, X10 // β₁
	MOVSS 12(AX), X11
	SHUFPS $0, X11, X11 // 1−β₁
	MOVSS 16(AX), X12
	SHUFPS $0, X12, X12 // β₂
	MOVSS 20(AX), X13
	SHUFPS $0, X13, X13 // 1−β₂
	MOVSS 24(AX), X14
	SHUFPS $0, X14, X14 // √bc₂
	MOVSS 28(AX), X15
	SHUFPS $0, X15, X15 // ε
	MOVSS 32(AX), X7
	SHUFPS $0, X7, X7   // step size
	SHRQ $2, CX
loop:
	CMPQ CX, $0
	JEQ  done
	MOVUPS (SI), X0 // g
	MULPS  X8, X0   // gi = g·scale
	MOVUPS (DI), X1 // w
	CMPQ   BX, $1
	JNE    notDecoupled
	MULPS  X9, X1 // w·decay
	JMP    moments
notDecoupled:
	CMPQ   BX, $2
	JNE    moments
	MOVAPS X1, X2
	MULPS  X9, X2 // wd·w
	ADDPS  X2, X0 // gi + wd·w
moments:
	MOVUPS (R8), X2 // m
	MULPS  X10, X2  // β₁·m
	MOVAPS X0, X3
	MULPS  X11, X3  // (1−β₁)·gi
	ADDPS  X3, X2
	MOVUPS X2, (R8)
	MOVUPS (R9), X3 // v
	MULPS  X12, X3  // β₂·v
	MOVAPS X0, X4
	MULPS  X13, X4  // (1−β₂)·gi
	MULPS  X0, X4   // ·gi
	ADDPS  X4, X3
	MOVUPS X3, (R9)
	SQRTPS X3, X4
	DIVPS  X14, X4  // √v / √bc₂
	ADDPS  X15, X4  // + ε
	MOVAPS X7, X5
	MULPS  X2, X5   // step·m
	DIVPS  X4, X5   // / denom
	SUBPS  X5, X1   // w − …
	MOVUPS X1, (DI)
	ADDQ   $16, DI
	ADDQ   $16, SI
	ADDQ   $16, R8
	ADDQ   $16, R9
	DECQ   CX
	JMP    loop
done:
	RET
