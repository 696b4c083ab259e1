; Three-byte legacy maps 0F 38 and 0F 3A: SSSE3, SSE4.1, SSE4.2, AES, PCLMUL, SHA, GFNI, MOVDIRI.
;! modes: all
pshufb mm0, mm1
pshufb xmm0, xmm1
phaddw xmm0, [ebx]
phaddd mm0, mm1
phsubsw xmm0, xmm1
pmaddubsw xmm0, xmm1
pmulhrsw xmm0, xmm1
psignb xmm0, xmm1
pabsd xmm0, [ebx]
palignr xmm0, xmm1, 4
palignr mm0, mm1, 3
pblendvb xmm0, xmm1, xmm0
blendvps xmm0, xmm1
blendvpd xmm0, [ebx]
ptest xmm0, xmm1
pmovsxbw xmm0, xmm1
pmovzxdq xmm0, [ebx]
pmuldq xmm0, xmm1
pcmpeqq xmm0, xmm1
movntdqa xmm0, [ebx]
packusdw xmm0, xmm1
pminsb xmm0, xmm1
pmaxud xmm0, xmm1
pmulld xmm0, xmm1
phminposuw xmm0, xmm1
pcmpgtq xmm0, xmm1
roundps xmm0, xmm1, 1
roundsd xmm0, [ebx], 4
blendps xmm0, xmm1, 5
blendpd xmm0, xmm1, 2
pblendw xmm0, xmm1, 0xf0
pextrb eax, xmm1, 3
pextrd [ebx], xmm1, 1
pextrq rax, xmm1, 1 ;! modes: 64
extractps eax, xmm1, 2
pinsrb xmm0, eax, 5
insertps xmm0, xmm1, 0x10
pinsrd xmm0, [ebx], 2
pinsrq xmm0, rax, 1 ;! modes: 64
dpps xmm0, xmm1, 0xff
dppd xmm0, xmm1, 0x31
mpsadbw xmm0, xmm1, 0
pcmpestri xmm0, xmm1, 0x0c
pcmpestrm xmm0, [ebx], 0x40
pcmpistri xmm0, xmm1, 0x08
pcmpistrm xmm0, xmm1, 0
aesenc xmm0, xmm1
aesenclast xmm0, [ebx]
aesdec xmm0, xmm1
aesdeclast xmm0, xmm1
aesimc xmm0, xmm1
aeskeygenassist xmm0, xmm1, 1
pclmulqdq xmm0, xmm1, 0x11
sha1rnds4 xmm0, xmm1, 3
sha1nexte xmm0, xmm1
sha1msg1 xmm0, xmm1
sha1msg2 xmm0, [ebx]
sha256rnds2 xmm0, xmm1, xmm0
sha256msg1 xmm0, xmm1
sha256msg2 xmm0, xmm1
gf2p8affineqb xmm0, xmm1, 0
gf2p8affineinvqb xmm0, xmm1, 0xff
gf2p8mulb xmm0, xmm1
movdiri [ebx], eax
movdir64b eax, [ebx] ;! modes: 32
movdir64b rax, [rbx] ;! modes: 64
enqcmd eax, [ebx] ;! modes: 32
invpcid eax, [ebx] ;! modes: 32
invpcid rax, [rbx] ;! modes: 64
