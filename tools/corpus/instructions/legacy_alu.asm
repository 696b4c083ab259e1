; One-byte-opcode integer instructions: ALU, mov, inc/dec, push/pop, shifts, mul/div, lea, xchg,
; conversions, flag ops, BCD. 32-bit register forms get a 66 prefix under `bits 16`.
;! modes: all
add eax, ebx
add al, 0x7f
add ax, 0x1234
add eax, 0x12345678
add byte [ebx], 1
add dword [ebx+ecx*4+0x10], 0x1000
add ecx, -1
add bl, cl
or eax, [ebx]
or cx, 0x80
adc edx, esi
adc byte [ebx+8], 0xff
sbb eax, 5
sbb [ebx], edi
and eax, 0xffff0000
and ah, bh
sub esp, 0x20
sub al, 3
xor eax, eax
xor byte [ebx], 0x55
cmp eax, ebx
cmp byte [ebx+esi], 0
cmp ecx, 0x100
test eax, eax
test al, 1
test dword [ebx], 0x80000000
test bh, dh
mov eax, ebx
mov al, 0x12
mov ah, 0x34
mov eax, 0x12345678
mov ax, 0x1234
mov [ebx], eax
mov eax, [ebx+0x12345678]
mov byte [ebx], 0x80
mov dword [esp+4], 0
mov word [ebx], 0x1234
mov eax, [0x12345678] ;! modes: 32 64
mov ds, ax
mov ax, es
mov fs, bx
mov esi, ss
inc eax
inc cl
inc dword [ebx]
dec edx
dec byte [ebx]
neg eax
not byte [ebx]
mul ebx
mul byte [ebx]
imul ecx
imul eax, ebx, 0x10
imul eax, [ebx], 0x1000
div ecx
div word [ebx]
idiv esi
push eax ;! modes: 16 32
push ebx ;! modes: 16 32
push ax
push 0x12
push dword 0x12345678 ;! modes: 16 32
push dword [ebx] ;! modes: 16 32
pop ecx ;! modes: 16 32
pop dword [ebx] ;! modes: 16 32
push es ;! modes: 16 32
push cs ;! modes: 16 32
push ss ;! modes: 16 32
push ds ;! modes: 16 32
pop es ;! modes: 16 32
pop ds ;! modes: 16 32
pop ss ;! modes: 16 32
pusha ;! modes: 16 32
pushad ;! modes: 16 32
popa ;! modes: 16 32
popad ;! modes: 16 32
pushf
popf
lahf
sahf
rol eax, 1
rol eax, cl
rol eax, 5
ror byte [ebx], 1
rcl edx, 3
rcr ecx, cl
shl eax, 4
shl byte [ebx], cl
shr edx, 1
shr eax, 31
sar eax, 2
sar word [ebx], cl
sal eax, 1
lea eax, [ebx+ecx*8+0x10]
lea esi, [esi]
lea eax, [0x1000]
xchg eax, ebx
xchg ecx, edx
xchg [ebx], al
xchg ax, bx
nop
pause
cbw
cwde
cwd
cdq
clc
stc
cmc
cld
std
cli
sti
hlt
xlatb
enter 0x10, 0
enter 0x100, 1
leave
daa ;! modes: 16 32
das ;! modes: 16 32
aaa ;! modes: 16 32
aas ;! modes: 16 32
aam ;! modes: 16 32
aam 16 ;! modes: 16 32
aad ;! modes: 16 32
aad 8 ;! modes: 16 32
into ;! modes: 16 32
bound eax, [ebx] ;! modes: 16 32
bound ax, [bx] ;! modes: 16
arpl [ebx], ax ;! modes: 16 32
les eax, [ebx] ;! modes: 16 32
lds esi, [ebx] ;! modes: 16 32
salc ;! modes: 16 32
in al, 0x60
in eax, dx
out 0x80, al
out dx, ax
int3
int 0x80
int1
; 64-bit registers, REX and RIP-relative forms.
add rax, rbx ;! modes: 64
add r8, r9 ;! modes: 64
add r15d, 1 ;! modes: 64
add r12b, 5 ;! modes: 64
sub rsp, 0x28 ;! modes: 64
mov rax, 0x123456789abcdef0 ;! modes: 64
mov rax, [qword 0x123456789abcdef0] ;! modes: 64
mov [qword 0x123456789abcdef0], al ;! modes: 64
mov eax, [rel $+0x100] ;! modes: 64
mov r10, [rel $+0x10] ;! modes: 64
lea rax, [rel $+0x1000] ;! modes: 64
mov sil, dil ;! modes: 64
mov spl, 1 ;! modes: 64
mov rax, [r12] ;! modes: 64
mov rax, [r13] ;! modes: 64
mov rax, [rsp+r11*8] ;! modes: 64
mov qword [rbx], -1 ;! modes: 64
movsxd rax, ecx ;! modes: 64
movsxd rax, dword [rbx] ;! modes: 64
push r15 ;! modes: 64
pop r12 ;! modes: 64
push qword [rax] ;! modes: 64
inc r9 ;! modes: 64
dec rax ;! modes: 64
imul r8, r9, 0x7fffffff ;! modes: 64
xchg rax, r8 ;! modes: 64
xchg eax, eax ;! modes: 64
cdqe ;! modes: 64
cqo ;! modes: 64
shl r11, 7 ;! modes: 64
test r14w, 0x1234 ;! modes: 64
div qword [rsp+8] ;! modes: 64
