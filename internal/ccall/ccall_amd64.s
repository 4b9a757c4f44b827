//go:build linux || freebsd

#include "textflag.h"
#include "go_asm.h"

// cTrampoline makes the C call a frame record describes (ccall_amd64.go).
// runtime.cgocall calls it on the system stack with the System V AMD64
// convention: DI holds the *frame and SP+8 is 16-byte aligned. It passes
// i0…i5 in DI, SI, DX, CX, R8, R9, i6…i17 on the stack, f0 and f1 in X0 and
// X1, then stores RAX and XMM0 into r and rf. It touches no callee-saved
// register besides BP, which it restores.
TEXT cTrampoline<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BP
	MOVQ  SP, BP
	SUBQ  $112, SP          // 12 stack arguments, the saved *frame, a spare slot: SP stays 16-aligned
	MOVQ  DI, 96(SP)
	MOVQ  DI, R11

	MOVQ frame_i6(R11), AX
	MOVQ AX, 0(SP)
	MOVQ frame_i7(R11), AX
	MOVQ AX, 8(SP)
	MOVQ frame_i8(R11), AX
	MOVQ AX, 16(SP)
	MOVQ frame_i9(R11), AX
	MOVQ AX, 24(SP)
	MOVQ frame_i10(R11), AX
	MOVQ AX, 32(SP)
	MOVQ frame_i11(R11), AX
	MOVQ AX, 40(SP)
	MOVQ frame_i12(R11), AX
	MOVQ AX, 48(SP)
	MOVQ frame_i13(R11), AX
	MOVQ AX, 56(SP)
	MOVQ frame_i14(R11), AX
	MOVQ AX, 64(SP)
	MOVQ frame_i15(R11), AX
	MOVQ AX, 72(SP)
	MOVQ frame_i16(R11), AX
	MOVQ AX, 80(SP)
	MOVQ frame_i17(R11), AX
	MOVQ AX, 88(SP)

	MOVQ frame_f0(R11), X0
	MOVQ frame_f1(R11), X1
	MOVQ frame_i0(R11), DI
	MOVQ frame_i1(R11), SI
	MOVQ frame_i2(R11), DX
	MOVQ frame_i3(R11), CX
	MOVQ frame_i4(R11), R8
	MOVQ frame_i5(R11), R9
	MOVQ frame_fn(R11), R10
	MOVL $2, AX             // AL: vector registers used, should the callee be variadic
	CALL R10

	MOVQ 96(SP), DI
	MOVQ AX, frame_r(DI)
	MOVQ X0, frame_rf(DI)
	MOVQ BP, SP
	POPQ BP
	RET

// func trampolineAddr() uintptr
TEXT ·trampolineAddr(SB), NOSPLIT, $0-8
	LEAQ cTrampoline<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET
