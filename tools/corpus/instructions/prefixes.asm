; Legacy prefixes: segment overrides, LOCK on every lockable form, REP/REPNE on non-string
; instructions, operand- and address-size overrides, and combinations of them.
;! modes: all
lock add [ebx], eax
lock adc byte [ebx], 1
lock sub [ebx], ecx
lock and dword [ebx], 0xff
lock or [ebx], al
lock xor [ebx], edx
lock sbb word [ebx], 5
lock inc dword [ebx]
lock dec byte [ebx]
lock neg dword [ebx]
lock not word [ebx]
lock xchg [ebx], eax
lock xadd [ebx], ecx
lock cmpxchg [ebx], edx
lock cmpxchg8b [ebx]
lock bts dword [ebx], 3
lock btr [ebx], eax
lock btc dword [ebx], 31
lock cmpxchg16b [rax] ;! modes: 64
lock add qword [rax+8], 1 ;! modes: 64
mov eax, [es:ebx]
mov eax, [cs:ebx]
mov eax, [ss:ebx]
mov eax, [ds:ebx]
mov eax, [fs:ebx]
mov eax, [gs:ebx]
mov eax, [fs:0]
mov rax, [gs:0x28] ;! modes: 64
mov rax, [fs:rax] ;! modes: 64
add eax, [cs:ebx+ecx]
fs nop
cs jz short $+0x10
ds jnz short $+0x10
ds jmp near $+0x100
a32 mov eax, [ebx]
a32 lea eax, [ebx+ecx]
o16 a32 mov ax, [ebx]
rep nop
repne nop
rep ret
xacquire lock add [ebx], eax
xrelease lock add [ebx], eax
xrelease mov [ebx], eax
xbegin $+0x100
xend
xabort 0x12
xtest
