; AMD-only encodings: XOP (8F map 8/9/A), 3DNow! (0F 0F with the opcode in the last byte), FMA4,
; SSE4a, TBM, and AMD system extensions (SVM, MONITORX, CLZERO).
;! modes: prot16 32 64
vpcmov xmm0, xmm1, xmm2, xmm3
vpcmov ymm0, ymm1, [ebx], ymm3
vpperm xmm0, xmm1, xmm2, xmm3
vpperm xmm0, xmm1, xmm2, [ebx]
vprotb xmm0, xmm1, xmm2
vprotd xmm0, xmm1, 5
vprotq xmm0, [ebx], 1
vpshab xmm0, xmm1, xmm2
vpshlq xmm0, xmm1, [ebx]
vpcomb xmm0, xmm1, xmm2, 0
vpcomuq xmm0, xmm1, [ebx], 7
vpmacsdd xmm0, xmm1, xmm2, xmm3
vpmadcswd xmm0, xmm1, xmm2, xmm3
vphaddbw xmm0, xmm1
vphsubdq xmm0, [ebx]
vfrczps ymm0, ymm1
vfrczss xmm0, xmm1
vfmaddps xmm0, xmm1, xmm2, xmm3
vfmaddpd ymm0, ymm1, [ebx], ymm3
vfmaddss xmm0, xmm1, xmm2, [ebx]
vfnmsubsd xmm0, xmm1, xmm2, xmm3
vfmaddsubps ymm0, ymm1, ymm2, ymm3
bextr eax, ebx, 0x0408
blcfill eax, ebx
blci ecx, [ebx]
blcic eax, ebx
blcmsk eax, ebx
blcs eax, ebx
blsfill eax, ebx
blsic eax, ebx
t1mskc eax, ebx
tzmsk eax, ebx
llwpcb eax
slwpcb eax
lwpins eax, ebx, 0x12345678
lwpval eax, [ebx], 0x10
bextr rax, rbx, 0x0408 ;! modes: 64
blcfill r8, r9 ;! modes: 64
vpcmov xmm8, xmm9, xmm10, xmm11 ;! modes: 64
vprotq xmm12, [r13], 2 ;! modes: 64
femms ;! modes: all
pfadd mm0, mm1 ;! modes: all
pfadd mm0, [ebx] ;! modes: all
pfsub mm0, mm1 ;! modes: all
pfsubr mm0, mm1 ;! modes: all
pfmul mm2, mm3 ;! modes: all
pfcmpeq mm0, mm1 ;! modes: all
pfcmpge mm0, mm1 ;! modes: all
pfmax mm0, mm1 ;! modes: all
pfmin mm0, mm1 ;! modes: all
pfrcp mm0, mm1 ;! modes: all
pfrcpit1 mm0, mm1 ;! modes: all
pfrcpit2 mm0, mm1 ;! modes: all
pfrsqrt mm0, mm1 ;! modes: all
pfrsqit1 mm0, mm1 ;! modes: all
pfacc mm0, mm1 ;! modes: all
pfnacc mm0, mm1 ;! modes: all
pfpnacc mm0, mm1 ;! modes: all
pi2fd mm0, mm1 ;! modes: all
pi2fw mm0, mm1 ;! modes: all
pf2id mm0, mm1 ;! modes: all
pf2iw mm0, mm1 ;! modes: all
pavgusb mm0, mm1 ;! modes: all
pmulhrwa mm0, mm1 ;! modes: all
pswapd mm0, mm1 ;! modes: all
pfadd mm0, [rax+8] ;! modes: 64
extrq xmm0, 8, 16 ;! modes: all
extrq xmm0, xmm1 ;! modes: all
insertq xmm0, xmm1, 4, 8 ;! modes: all
insertq xmm0, xmm1 ;! modes: all
movntss [ebx], xmm0 ;! modes: all
movntsd [ebx], xmm1 ;! modes: all
clzero ;! modes: all
monitorx ;! modes: all
mwaitx ;! modes: all
vmrun ;! modes: all
vmload ;! modes: all
vmsave ;! modes: all
vmmcall ;! modes: all
stgi ;! modes: all
clgi ;! modes: all
invlpga ;! modes: all
