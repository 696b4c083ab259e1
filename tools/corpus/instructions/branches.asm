; Control transfer: jcc (short and near), jmp, call, ret, loop, jcxz, far forms, indirect forms.
;! modes: all
jmp short $+0x10
jmp near $+0x100
jmp $-0x2
call $+0x1000
jz short $+0x10
jnz short $-0x10
jb short $+4
jae short $+4
jbe short $+4
ja short $+4
js short $+4
jns short $+4
jp short $+4
jnp short $+4
jl short $+4
jge short $+4
jle short $+4
jg short $+4
jo short $+4
jno short $+4
jz near $+0x200
jl near $-0x200
jo near $+0x1000
jmp eax ;! modes: 16 32
jmp ax ;! modes: 16 32
jmp dword [ebx] ;! modes: 16 32
call eax ;! modes: 16 32
call dword [ebx+4] ;! modes: 16 32
call word [bx] ;! modes: 16
ret
ret 8
retf
retf 0x10
iret
iretd
loop $+0x10
loope $+0x10
loopne $-0x10
jcxz $+0x10 ;! modes: 16 32
jecxz $+0x10
jmp 0x10:0x1000 ;! modes: 16 32
jmp 0x08:0x12345678 ;! modes: 32
call 0x10:0x1000 ;! modes: 16 32
jmp far [ebx]
call far [ebx]
jmp rax ;! modes: 64
jmp r11 ;! modes: 64
jmp qword [rax+8] ;! modes: 64
jmp [rel $+0x100] ;! modes: 64
call rax ;! modes: 64
call qword [rel $+0x20] ;! modes: 64
call r12 ;! modes: 64
jrcxz $+0x10 ;! modes: 64
iretq ;! modes: 64
jmp far [rax] ;! modes: 64
call far [rbx] ;! modes: 64
o64 retf ;! modes: 64
bnd jmp near $+0x100
bnd ret
