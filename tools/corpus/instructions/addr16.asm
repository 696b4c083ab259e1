; 16-bit addressing: every ModRM base/index form, disp8/disp16, [bp] defaults to SS, and the same
; forms from 32-bit code (with a 67 prefix). There is no 16-bit addressing in 64-bit mode.
;! modes: 16 32
mov ax, [bx+si]
mov ax, [bx+di]
mov ax, [bp+si]
mov ax, [bp+di]
mov ax, [si]
mov ax, [di]
mov ax, [0x1234]
mov ax, [bx]
mov ax, [bx+si+0x12]
mov ax, [bx+di-0x10]
mov ax, [bp+si+0x7f]
mov ax, [bp+di+0x1234]
mov ax, [si+0x100]
mov ax, [di-1]
mov ax, [bp]
mov ax, [bp+0x10]
mov ax, [bx+0x8000]
mov al, [bx+si]
add [bx+si], al
add word [bp+di+4], 0x10
lea ax, [bx+si+0x20]
lea eax, [bp+di]
mov eax, [bx+si]
inc byte [bp+si]
push word [bx]
pop word [di]
jmp word [bx+si]
call word [bp+0x20]
les ax, [bx]
lds si, [bp+2]
mov ax, [es:bx]
mov ax, [cs:bp+si]
mov ax, [ss:si]
mov ax, [fs:di+4]
movzx eax, byte [bx+di]
fld dword [bx+si]
movaps xmm0, [bx+si]
movdqu xmm1, [bp+di+0x10]
mov ax, [ebx] ;! modes: 16
mov ax, [eax+ecx*4] ;! modes: 16
mov eax, [esp+8] ;! modes: 16
mov ax, [ebp] ;! modes: 16
lea ax, [eax*2+0x10] ;! modes: 16
vaddps xmm0, xmm1, [bx+si] ;! modes: prot16 32
vaddps ymm0, ymm1, [bp+0x20] ;! modes: prot16 32
