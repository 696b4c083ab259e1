; 0F two-byte general-purpose instructions (no SIMD): bit ops, cmov/setcc, movzx/movsx, xadd,
; cmpxchg, bswap, far-pointer loads, popcnt/lzcnt/tzcnt (F3 0F), movbe/crc32 (0F 38), ud0/1/2.
;! modes: all
movsx eax, bl
movsx eax, word [ebx]
movzx ecx, byte [ebx]
movzx edx, cx
imul eax, ebx
push fs
push gs
pop fs
pop gs
shld eax, ebx, 4
shld [ebx], ecx, cl
shrd eax, edx, 8
shrd eax, edx, cl
bswap eax
bswap ecx
bt eax, ebx
bt dword [ebx], 5
bts ecx, 3
btr [ebx], eax
btc eax, 31
bsf eax, ebx
bsr ecx, [ebx]
cmovz eax, ebx
cmovnz ecx, [ebx]
setz al
setnz byte [ebx]
setl cl
xadd [ebx], eax
cmpxchg [ebx], ecx
cmpxchg8b [ebx]
popcnt eax, ebx
lzcnt eax, ebx
tzcnt eax, [ebx]
movbe eax, [ebx]
movbe [ebx], cx
crc32 eax, bl
crc32 eax, dword [ebx]
lss esp, [ebx]
lfs eax, [ebx]
lgs ebx, [ecx]
ud2
ud1 eax, ebx
ud0 eax, [ebx]
bswap r10 ;! modes: 64
cmpxchg16b [rax] ;! modes: 64
popcnt rax, r9 ;! modes: 64
crc32 rax, qword [rbx] ;! modes: 64
cmovb r10, r11 ;! modes: 64
setg r8b ;! modes: 64
cpuid
rdtsc
rdtscp
rdpmc
rdrand eax
rdseed ecx
rdrand rax ;! modes: 64
rdpid eax ;! modes: 32
rdpid rax ;! modes: 64
nop dword [eax+eax*1+0]
nop word [eax]
nop eax
prefetcht0 [ebx]
prefetcht1 [ebx]
prefetchnta [ebx]
prefetchw [ebx]
prefetch [ebx]
clflush [ebx]
clflushopt [ebx]
clwb [ebx]
lfence
sfence
mfence
xgetbv
xsave [ebx]
xrstor [ebx]
xsaveopt [ebx]
xsavec [ebx]
xsaves [ebx]
xsave64 [rax] ;! modes: 64
wrfsbase eax ;! modes: 64
rdgsbase rax ;! modes: 64
movnti [ebx], eax
endbr32
endbr64
rdsspd eax
incsspd eax
adcx eax, ebx
adox ecx, [ebx]
adcx rax, r8 ;! modes: 64
