/* Two names for one function, as arch/x86/lib/memset_64.S does (SYM_FUNC_ALIAS): the assembler
   emits a DW_TAG_subprogram for each, with the same range. */
	.text
	.globl	__fill
	.type	__fill, @function
	.globl	fill
	.type	fill, @function
__fill:
fill:
	movq	%rdi, %rax
	movq	%rdx, %rcx
	rep stosb
	ret
	.size	__fill, .-__fill
	.size	fill, .-fill

	.globl	other
	.type	other, @function
other:
	xorl	%eax, %eax
	ret
	.size	other, .-other
