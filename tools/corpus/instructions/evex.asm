; EVEX (62): AVX-512 F/BW/DQ/VL/CD/VBMI/VNNI/BF16/FP16 with opmasks, zeroing, embedded broadcast,
; embedded rounding and SAE, compressed disp8*N, high registers (64-bit), and opmask instructions
; (VEX-encoded k-register ops are here too because they belong to AVX-512).
;! modes: 32 64
vaddps zmm0, zmm1, zmm2
vaddps zmm0{k1}, zmm1, zmm2
vaddps zmm0{k1}{z}, zmm1, zmm2
vaddps zmm0, zmm1, [ebx]
vaddps zmm0, zmm1, [ebx+0x40]
vaddps zmm0, zmm1, [ebx+0x44]
vaddps zmm0, zmm1, [ebx]{1to16}
vaddpd zmm0{k2}, zmm1, [ebx+8]{1to8}
vaddps zmm0, zmm1, zmm2, {rn-sae}
vaddpd zmm0, zmm1, zmm2, {rz-sae}
vaddss xmm0{k1}, xmm1, xmm2, {ru-sae}
vaddsd xmm0, xmm1, xmm2, {rd-sae}
vaddps xmm0, xmm1, xmm2
vaddps ymm0{k7}, ymm1, [ebx]{1to8}
vmaxps zmm0, zmm1, zmm2, {sae}
vcmpps k1, zmm1, zmm2, 0
vcmppd k2{k3}, zmm1, [ebx]{1to8}, 0x1e
vcmpss k1, xmm1, xmm2, {sae}, 5
vpcmpd k1, zmm1, zmm2, 1
vpcmpeqb k1, zmm1, zmm2
vpcmpuw k1{k2}, ymm1, ymm2, 4
vptestmd k1, zmm1, zmm2
vptestnmq k1, zmm1, [ebx]{1to8}
vmovdqa32 zmm0, zmm1
vmovdqa64 zmm0{k1}{z}, [ebx]
vmovdqu8 zmm0{k1}, zmm1
vmovdqu16 [ebx]{k1}, zmm1
vmovdqu32 ymm0, ymm1
vmovdqu64 xmm0{k1}{z}, xmm1
vmovups zmm0, [ebx]
vmovaps [ebx]{k2}, zmm3
vmovss xmm0{k1}{z}, [ebx]
vmovsd xmm0{k1}, xmm1, xmm2
vmovntdq [ebx], zmm0
vbroadcastss zmm0, xmm1
vbroadcastsd zmm0{k1}, [ebx]
vbroadcastf32x4 zmm0, [ebx]
vbroadcasti64x4 zmm0, [ebx]
vpbroadcastd zmm0, eax
vpbroadcastb zmm0{k1}{z}, xmm1
vbroadcasti32x2 zmm0, xmm1
vextractf32x4 xmm0, zmm1, 3
vextracti64x4 [ebx], zmm1, 1
vinsertf64x2 zmm0, zmm1, xmm2, 2
vinserti32x8 zmm0, zmm1, ymm2, 1
vshuff32x4 zmm0, zmm1, zmm2, 0x4e
valignd zmm0, zmm1, zmm2, 3
valignq ymm0, ymm1, ymm2, 1
vpermt2d zmm0, zmm1, zmm2
vpermi2q zmm0, zmm1, [ebx]{1to8}
vpermb zmm0, zmm1, zmm2
vpermw zmm0, zmm1, zmm2
vpermps zmm0, zmm1, zmm2
vpermq zmm0, zmm1, 0x1b
vpternlogd zmm0, zmm1, zmm2, 0xe8
vpternlogq zmm0{k1}, zmm1, [ebx]{1to8}, 0x96
vfixupimmps zmm0, zmm1, zmm2, 0
vgetexppd zmm0, zmm1, {sae}
vgetmantps zmm0, zmm1, 2
vrndscaleps zmm0, zmm1, 4
vrndscalesd xmm0, xmm1, xmm2, {sae}, 1
vreduceps zmm0, zmm1, 3
vrangepd zmm0, zmm1, zmm2, 5
vscalefps zmm0, zmm1, zmm2
vrcp14ps zmm0, zmm1
vrsqrt14pd zmm0, zmm1
vfpclassps k1, zmm1, 0x22
vfmadd132ps zmm0{k1}, zmm1, zmm2
vfmadd213pd zmm0, zmm1, [ebx]{1to8}
vfmadd231ps zmm0, zmm1, zmm2, {rn-sae}
vfnmsub231sd xmm0{k1}{z}, xmm1, xmm2, {rz-sae}
vcvtps2pd zmm0, ymm1
vcvtpd2ps ymm0, zmm1, {rn-sae}
vcvtdq2ps zmm0, [ebx]{1to16}
vcvttps2dq zmm0, zmm1, {sae}
vcvtps2udq zmm0, zmm1
vcvtuqq2pd zmm0, zmm1
vcvtqq2ps ymm0, zmm1
vcvtusi2sd xmm0, xmm1, eax
vcvtsd2usi eax, xmm1, {rn-sae}
vcvtph2ps zmm0, ymm1
vcvtps2ph ymm0, zmm1, 0
vcvtne2ps2bf16 zmm0, zmm1, zmm2
vdpbf16ps zmm0, zmm1, zmm2
vpdpbusd zmm0, zmm1, zmm2
vpdpwssd ymm0{k1}, ymm1, ymm2
vpaddd zmm0, zmm1, zmm2
vpaddb zmm0{k1}, zmm1, zmm2
vpaddq zmm0, zmm1, [ebx]{1to8}
vpsubw ymm0, ymm1, ymm2
vpmullq zmm0, zmm1, zmm2
vpmuludq zmm0, zmm1, zmm2
vpmaddubsw zmm0, zmm1, zmm2
vpandd zmm0, zmm1, zmm2
vpandnq zmm0, zmm1, [ebx]{1to8}
vpord zmm0{k1}{z}, zmm1, zmm2
vpxorq zmm0, zmm0, zmm0
vpminsq zmm0, zmm1, zmm2
vpmaxub zmm0, zmm1, zmm2
vpabsq zmm0, zmm1
vprold zmm0, zmm1, 5
vprorvq zmm0, zmm1, zmm2
vpsllq zmm0, zmm1, 3
vpsraq zmm0, zmm1, 7
vpsravw zmm0, zmm1, zmm2
vpsllvw zmm0, zmm1, zmm2
vpshufb zmm0, zmm1, zmm2
vpshufd zmm0{k1}, zmm1, 0x1b
vpunpckldq zmm0, zmm1, zmm2
vpackssdw zmm0, zmm1, zmm2
vpmovdb xmm0, zmm1
vpmovqw [ebx]{k1}, zmm1
vpmovusqd ymm0, zmm1
vpmovsxbd zmm0, xmm1
vpmovzxwq zmm0, [ebx]
vpmovm2d zmm0, k1
vpmovb2m k1, zmm1
vpcompressd [ebx]{k1}, zmm1
vpexpandq zmm0{k1}{z}, zmm1
vcompressps zmm0{k1}, zmm1
vexpandpd zmm0{k2}, [ebx]
vpconflictd zmm0, zmm1
vplzcntq zmm0, zmm1
vpopcntd zmm0, zmm1
vpopcntb zmm0, zmm1
vpshufbitqmb k1, zmm1, zmm2
vpmultishiftqb zmm0, zmm1, zmm2
vpshldd zmm0, zmm1, zmm2, 3
vpshrdvq zmm0, zmm1, zmm2
vpcompressb [ebx]{k1}, zmm1
vgf2p8affineqb zmm0, zmm1, [ebx]{1to8}, 0
vaesenc zmm0, zmm1, zmm2
vpclmulqdq zmm0, zmm1, zmm2, 0
vpgatherdd zmm0{k1}, [ebx+zmm1*4]
vgatherqpd zmm0{k1}, [ebx+zmm1*8+0x100]
vpscatterdq [ebx+ymm1*8]{k1}, zmm0
vscatterqps [ebx+zmm1*4]{k2}, ymm0
vp2intersectd k2, zmm1, zmm2
vaddph zmm0, zmm1, zmm2
vaddph zmm0{k1}, zmm1, [ebx]
vmulsh xmm0, xmm1, xmm2, {rn-sae}
vfmadd132ph zmm0, zmm1, zmm2
vcvtph2psx zmm0, ymm1
vcvtw2ph zmm0, zmm1
vmovw xmm0, word [ebx]
vfcmaddcph zmm0, zmm1, zmm2
vsqrtph zmm0, zmm1
vrcpsh xmm0, xmm1, xmm2
kmovw k1, k2
kmovw k1, eax
kmovw eax, k1
kmovq k1, [ebx]
kmovb [ebx], k3
kmovd k1, ecx
kandw k1, k2, k3
korq k1, k2, k3
kxnorb k1, k2, k3
knotd k1, k2
kortestw k1, k2
ktestq k1, k2
kshiftlw k1, k2, 4
kshiftrq k1, k2, 63
kaddd k1, k2, k3
kunpckbw k1, k2, k3
vaddps zmm0, zmm1, zmm2 ;! modes: prot16
vaddps zmm0{k1}{z}, zmm1, [bx+si] ;! modes: prot16
vpaddd zmm0, zmm1, [bx]{1to16} ;! modes: prot16
kmovw k1, k2 ;! modes: prot16
vaddps zmm16, zmm17, zmm31 ;! modes: 64
vaddps zmm31{k7}{z}, zmm30, [r15+r14*8+0x1000] ;! modes: 64
vaddpd zmm0, zmm1, [rel $+0x40]{1to8} ;! modes: 64
vaddps xmm16, xmm17, xmm18 ;! modes: 64
vmovdqu64 zmm24, [rax] ;! modes: 64
vpbroadcastq zmm20, rax ;! modes: 64
vpbroadcastq zmm0, r8 ;! modes: 64
vcvtusi2sd xmm16, xmm17, rax ;! modes: 64
vcvtsd2usi rax, xmm1 ;! modes: 64
vpgatherqq zmm16{k1}, [rax+zmm31*8] ;! modes: 64
vextracti32x4 xmm20, zmm21, 2 ;! modes: 64
vpternlogq zmm25, zmm26, zmm27, 0xff ;! modes: 64
vfmadd231ps zmm28{k1}, zmm29, zmm30, {ru-sae} ;! modes: 64
vpshufb ymm16, ymm17, ymm18 ;! modes: 64
vmovq xmm16, rax ;! modes: 64
vpextrq rax, xmm16, 1 ;! modes: 64
vpinsrq xmm16, xmm17, rax, 1 ;! modes: 64
kmovq k1, rax ;! modes: 64
kmovq rax, k2 ;! modes: 64
vaddph zmm16, zmm17, zmm18 ;! modes: 64
