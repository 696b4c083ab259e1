; VEX-encoded (C4/C5): AVX, AVX2, FMA3, F16C, BMI1, BMI2, VEX-encoded AES/PCLMUL/GFNI, AMX.
; Not in real mode (there C4/C5 are LES/LDS; see odd.asm); in 16-bit protected mode they are VEX.
;! modes: prot16 32 64
vzeroupper
vzeroall
vmovups xmm0, xmm1
vmovups ymm0, [ebx]
vmovups [ebx], ymm1
vmovaps ymm2, ymm3
vmovdqu xmm0, [ebx]
vmovdqa ymm0, ymm1
vmovss xmm0, xmm1, xmm2
vmovss xmm0, [ebx]
vmovsd [ebx], xmm1
vmovd xmm0, eax
vmovq xmm0, xmm1
vmovhps xmm0, xmm1, [ebx]
vmovmskps eax, ymm1
vbroadcastss ymm0, [ebx]
vbroadcastss xmm0, xmm1
vbroadcastsd ymm0, xmm1
vbroadcastf128 ymm0, [ebx]
vpbroadcastb ymm0, xmm1
vpbroadcastq xmm0, [ebx]
vinsertf128 ymm0, ymm1, xmm2, 1
vextractf128 xmm0, ymm1, 1
vinserti128 ymm0, ymm1, [ebx], 0
vextracti128 [ebx], ymm1, 1
vperm2f128 ymm0, ymm1, ymm2, 0x20
vperm2i128 ymm0, ymm1, [ebx], 0x31
vpermq ymm0, ymm1, 0x1b
vpermd ymm0, ymm1, ymm2
vpermilps ymm0, ymm1, 0x1b
vpermilpd xmm0, xmm1, xmm2
vaddps xmm0, xmm1, xmm2
vaddps ymm0, ymm1, [ebx]
vaddsd xmm0, xmm1, xmm2
vsubpd ymm0, ymm1, ymm2
vmulss xmm0, xmm1, [ebx]
vdivps ymm0, ymm1, ymm2
vsqrtpd ymm0, ymm1
vrsqrtps ymm0, ymm1
vrcpss xmm0, xmm1, xmm2
vminps ymm0, ymm1, ymm2
vmaxsd xmm0, xmm1, xmm2
vandps ymm0, ymm1, ymm2
vxorps xmm0, xmm0, xmm0
vcmpps ymm0, ymm1, ymm2, 0x1f
vcmpsd xmm0, xmm1, xmm2, 4
vcomiss xmm0, xmm1
vucomisd xmm0, [ebx]
vshufps ymm0, ymm1, ymm2, 0x44
vunpcklpd ymm0, ymm1, ymm2
vblendps ymm0, ymm1, ymm2, 0xaa
vblendvps ymm0, ymm1, ymm2, ymm3
vpblendvb xmm0, xmm1, xmm2, xmm3
vdpps ymm0, ymm1, ymm2, 0xff
vroundps ymm0, ymm1, 1
vroundsd xmm0, xmm1, xmm2, 4
vtestps ymm0, ymm1
vptest ymm0, [ebx]
vcvtdq2ps ymm0, ymm1
vcvtps2pd ymm0, xmm1
vcvtpd2ps xmm0, ymm1
vcvttpd2dq xmm0, ymm1
vcvtsi2ss xmm0, xmm1, eax
vcvtsd2si eax, xmm1
vcvtph2ps ymm0, xmm1
vcvtps2ph xmm0, ymm1, 0
vpaddb ymm0, ymm1, ymm2
vpaddq xmm0, xmm1, [ebx]
vpsubsw ymm0, ymm1, ymm2
vpmulld ymm0, ymm1, ymm2
vpmuludq ymm0, ymm1, ymm2
vpmaddwd ymm0, ymm1, ymm2
vpsadbw ymm0, ymm1, ymm2
vpand ymm0, ymm1, ymm2
vpxor xmm0, xmm0, xmm0
vpcmpeqb ymm0, ymm1, ymm2
vpcmpgtq ymm0, ymm1, ymm2
vpminud ymm0, ymm1, ymm2
vpabsw ymm0, ymm1
vpsignd xmm0, xmm1, xmm2
vpshufb ymm0, ymm1, ymm2
vpshufd ymm0, ymm1, 0x1b
vpslldq ymm0, ymm1, 4
vpsllw ymm0, ymm1, 3
vpsrlvd ymm0, ymm1, ymm2
vpsllvq xmm0, xmm1, xmm2
vpsravd ymm0, ymm1, ymm2
vpunpckhbw ymm0, ymm1, ymm2
vpackusdw ymm0, ymm1, ymm2
vpalignr ymm0, ymm1, ymm2, 8
vpblendd ymm0, ymm1, ymm2, 0x0f
vpmovzxbd ymm0, xmm1
vpmovsxwq ymm0, [ebx]
vpextrb eax, xmm1, 15
vpinsrd xmm0, xmm1, eax, 3
vpmovmskb eax, ymm1
vmaskmovps ymm0, ymm1, [ebx]
vpmaskmovd [ebx], ymm1, ymm2
vmovntdqa ymm0, [ebx]
vlddqu ymm0, [ebx]
vgatherdps xmm0, [ebx+xmm1*4], xmm2
vgatherqpd ymm0, [ebx+ymm1*8], ymm2
vpgatherdd ymm0, [ebx+ymm1*4+0x10], ymm2
vpgatherqq xmm0, [ebx+xmm1*1], xmm2
vfmadd132ps xmm0, xmm1, xmm2
vfmadd213pd ymm0, ymm1, [ebx]
vfmadd231ss xmm0, xmm1, xmm2
vfmsub132sd xmm0, xmm1, xmm2
vfnmadd213ps ymm0, ymm1, ymm2
vfnmsub231pd xmm0, xmm1, xmm2
vfmaddsub132ps ymm0, ymm1, ymm2
vfmsubadd231pd ymm0, ymm1, ymm2
vaesenc xmm0, xmm1, xmm2
vaesdeclast xmm0, xmm1, [ebx]
vaesenc ymm0, ymm1, ymm2
vpclmulqdq xmm0, xmm1, xmm2, 0x10
vpclmulqdq ymm0, ymm1, ymm2, 1
vgf2p8mulb ymm0, ymm1, ymm2
vgf2p8affineqb xmm0, xmm1, xmm2, 0x55
vldmxcsr [ebx]
vstmxcsr [ebx]
andn eax, ebx, ecx
andn eax, ebx, [ecx]
bextr eax, ebx, ecx
blsi eax, ebx
blsmsk eax, [ebx]
blsr ecx, edx
bzhi eax, ebx, ecx
pdep eax, ebx, ecx
pext eax, ebx, [ecx]
mulx eax, ebx, ecx
rorx eax, ebx, 5
sarx eax, ebx, ecx
shlx eax, [ebx], ecx
shrx eax, ebx, ecx
andn rax, rbx, rcx ;! modes: 64
bextr r8, r9, r10 ;! modes: 64
pdep r15, r14, [r13] ;! modes: 64
rorx rax, rbx, 63 ;! modes: 64
shlx r9, r10, r11 ;! modes: 64
vaddps ymm8, ymm9, ymm15 ;! modes: 64
vmovdqu ymm12, [r8+r9*2] ;! modes: 64
vpaddd xmm15, xmm14, [rel $+0x100] ;! modes: 64
vmovq xmm8, rax ;! modes: 64
vpinsrq xmm0, xmm1, r8, 1 ;! modes: 64
vcvtsi2sd xmm0, xmm1, rax ;! modes: 64
vgatherdpd ymm9, [r12+xmm13*8], ymm14 ;! modes: 64
vfmadd231ps ymm10, ymm11, ymm12 ;! modes: 64
vextracti128 xmm9, ymm10, 1 ;! modes: 64
ldtilecfg [rax] ;! modes: 64
sttilecfg [rax] ;! modes: 64
tilerelease ;! modes: 64
tilezero tmm1 ;! modes: 64
tileloadd tmm0, [rax+rbx*4] ;! modes: 64
tilestored [rax+rbx*4], tmm2 ;! modes: 64
tdpbssd tmm0, tmm1, tmm2 ;! modes: 64
tdpbf16ps tmm3, tmm4, tmm5 ;! modes: 64
