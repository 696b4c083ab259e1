; 0F two-byte SIMD: MMX, SSE, SSE2, SSE3, with the 66/F2/F3 mandatory prefixes selecting the form.
;! modes: all
emms
movd mm0, eax
movd eax, mm1
movq mm0, [ebx]
movq mm1, mm2
paddb mm0, mm1
paddusw mm2, [ebx]
psubd mm3, mm4
pmullw mm0, mm1
pmaddwd mm0, [ebx]
pand mm0, mm1
pxor mm7, mm7
pcmpeqb mm0, mm1
packsswb mm0, mm1
punpcklbw mm0, [ebx]
psllw mm0, 3
psrad mm1, mm2
psrlq mm0, 1
pshufw mm0, mm1, 0x1b
pextrw eax, mm1, 2
pinsrw mm0, eax, 1
pmovmskb eax, mm2
maskmovq mm0, mm1
movntq [ebx], mm0
movups xmm0, xmm1
movups xmm0, [ebx]
movups [ebx], xmm2
movupd xmm0, xmm1
movss xmm0, xmm1
movss xmm0, [ebx]
movsd xmm0, xmm1
movsd [ebx], xmm3
movaps xmm0, [ebx]
movapd [ebx], xmm1
movlps xmm0, [ebx]
movhlps xmm0, xmm1
movlhps xmm0, xmm1
movhpd xmm1, [ebx]
movsldup xmm0, xmm1
movshdup xmm0, [ebx]
movddup xmm0, xmm1
unpcklps xmm0, xmm1
unpckhpd xmm0, [ebx]
addps xmm0, xmm1
addpd xmm0, [ebx]
addss xmm0, xmm1
addsd xmm0, [ebx]
subps xmm0, xmm1
mulpd xmm2, xmm3
divss xmm0, [ebx]
sqrtps xmm0, xmm1
sqrtsd xmm0, xmm1
rsqrtps xmm0, xmm1
rcpss xmm0, xmm1
minps xmm0, xmm1
maxsd xmm0, [ebx]
andps xmm0, xmm1
andnpd xmm0, xmm1
orps xmm0, xmm1
xorpd xmm0, xmm0
cmpps xmm0, xmm1, 0
cmpltsd xmm0, xmm1
cmpunordss xmm0, [ebx]
cmppd xmm0, xmm1, 7
comiss xmm0, xmm1
ucomisd xmm0, [ebx]
shufps xmm0, xmm1, 0x44
shufpd xmm0, xmm1, 1
cvtpi2ps xmm0, mm1
cvtps2pi mm0, xmm1
cvttps2pi mm0, xmm1
cvtsi2ss xmm0, eax
cvtsi2sd xmm0, dword [ebx]
cvtss2si eax, xmm0
cvttsd2si eax, xmm1
cvtps2pd xmm0, xmm1
cvtpd2ps xmm0, xmm1
cvtdq2ps xmm0, xmm1
cvtps2dq xmm0, xmm1
cvttps2dq xmm0, xmm1
cvtdq2pd xmm0, xmm1
cvtpd2dq xmm0, xmm1
cvttpd2dq xmm0, xmm1
cvtss2sd xmm0, xmm1
cvtsd2ss xmm0, [ebx]
movmskps eax, xmm1
movmskpd eax, xmm2
movd xmm0, eax
movd [ebx], xmm1
movq xmm0, xmm1
movq xmm0, [ebx]
movq [ebx], xmm0
movdqa xmm0, xmm1
movdqu xmm0, [ebx]
movdqu [ebx], xmm1
movdq2q mm0, xmm1
movq2dq xmm0, mm1
movntps [ebx], xmm0
movntdq [ebx], xmm1
movntpd [ebx], xmm1
maskmovdqu xmm0, xmm1
paddb xmm0, xmm1
paddq xmm0, [ebx]
psubusb xmm0, xmm1
pmuludq xmm0, xmm1
pmulhuw xmm0, xmm1
psadbw xmm0, xmm1
pavgb xmm0, xmm1
pminub xmm0, xmm1
pmaxsw xmm0, xmm1
pcmpgtd xmm0, xmm1
packuswb xmm0, xmm1
punpckhqdq xmm0, xmm1
punpcklqdq xmm0, [ebx]
pshufd xmm0, xmm1, 0x1b
pshufhw xmm0, xmm1, 0x1b
pshuflw xmm0, [ebx], 0x1b
pslldq xmm0, 4
psrldq xmm1, 8
psllq xmm0, xmm1
psraw xmm0, 2
pextrw eax, xmm1, 7
pinsrw xmm0, [ebx], 3
pmovmskb eax, xmm0
pand xmm0, xmm1
pandn xmm0, xmm1
por xmm0, xmm1
addsubps xmm0, xmm1
addsubpd xmm0, xmm1
haddps xmm0, xmm1
hsubpd xmm0, xmm1
lddqu xmm0, [ebx]
ldmxcsr [ebx]
stmxcsr [ebx]
movq rax, xmm0 ;! modes: 64
movq xmm8, rax ;! modes: 64
movq r10, mm1 ;! modes: 64
movaps xmm15, xmm8 ;! modes: 64
addps xmm9, [r12] ;! modes: 64
cvtsi2sd xmm0, rax ;! modes: 64
cvttss2si rax, xmm1 ;! modes: 64
pshufd xmm10, [rel $+0x40], 0xe4 ;! modes: 64
pextrw r9d, xmm14, 1 ;! modes: 64
