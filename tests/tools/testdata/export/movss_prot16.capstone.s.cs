# CS_ARCH_X86, CS_MODE_16, None
# Exported by x86diff (capstone format). REVIEW BEFORE FILING: the expected answer is zydis's view, not a verified fact.
# From: findings/example.json
# Signature acc48aaca2dbdf21: mnemonic|capstone,zydis|prot16|legacy:0f:11:f3|capstone:movups,zydis:movss
# Mode prot16 (CS_MODE_16), bytes f3 0f 11 e2
#   capstone: movups xmm2, xmm4  (4 bytes)
#   zydis: movss xmm2, xmm4  (4 bytes)
# Expected (from zydis): movss xmm2, xmm4  (4 bytes); questioned: capstone
# The text after '=' is zydis's Intel spelling; adjust it to Capstone's.
0xf3,0x0f,0x11,0xe2 = movss xmm2, xmm4
