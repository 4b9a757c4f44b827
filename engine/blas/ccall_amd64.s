//go:build linux || freebsd

#include "textflag.h"
#include "go_asm.h"

// cTrampoline makes the C call a cArgs record describes (ccall_amd64.go).
// runtime.cgocall calls it on the system stack with the System V AMD64
// convention: DI holds the *cArgs and SP+8 is 16-byte aligned. It passes
// i0…i5 in DI, SI, DX, CX, R8, R9, i6…i11 on the stack, f0 and f1 in X0 and
// X1, then stores RAX and XMM0 into r and rf. It touches no callee-saved
// register besides BP, which it restores.
TEXT cTrampoline<>(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BP
	MOVQ  SP, BP
	SUBQ  $64, SP           // 6 stack arguments, a spare slot, the saved *cArgs: SP stays 16-aligned
	MOVQ  DI, 56(SP)
	MOVQ  DI, R11

	MOVQ cArgs_i6(R11), AX
	MOVQ AX, 0(SP)
	MOVQ cArgs_i7(R11), AX
	MOVQ AX, 8(SP)
	MOVQ cArgs_i8(R11), AX
	MOVQ AX, 16(SP)
	MOVQ cArgs_i9(R11), AX
	MOVQ AX, 24(SP)
	MOVQ cArgs_i10(R11), AX
	MOVQ AX, 32(SP)
	MOVQ cArgs_i11(R11), AX
	MOVQ AX, 40(SP)

	MOVQ cArgs_f0(R11), X0
	MOVQ cArgs_f1(R11), X1
	MOVQ cArgs_i0(R11), DI
	MOVQ cArgs_i1(R11), SI
	MOVQ cArgs_i2(R11), DX
	MOVQ cArgs_i3(R11), CX
	MOVQ cArgs_i4(R11), R8
	MOVQ cArgs_i5(R11), R9
	MOVQ cArgs_fn(R11), R10
	MOVL $2, AX             // AL: vector registers used, should the callee be variadic
	CALL R10

	MOVQ 56(SP), DI
	MOVQ AX, cArgs_r(DI)
	MOVQ X0, cArgs_rf(DI)
	MOVQ BP, SP
	POPQ BP
	RET

// func trampolineAddr() uintptr
TEXT ·trampolineAddr(SB), NOSPLIT, $0-8
	LEAQ cTrampoline<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET
