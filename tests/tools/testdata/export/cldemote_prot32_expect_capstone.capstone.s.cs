# CS_ARCH_X86, CS_MODE_32, None
# Exported by x86diff (capstone format). REVIEW BEFORE FILING: the expected answer is capstone's view, not a verified fact.
# From: findings/example.json
# Signature 3cfe0f0091f4ec76: mnemonic|capstone,zydis|prot32|legacy:0f:1c:np|capstone:nop,zydis:cldemote
# Mode prot32 (CS_MODE_32), bytes 0f 1c 03
#   capstone: nop dword ptr [ebx]  (3 bytes)
#   zydis: cldemote [ebx]  (3 bytes)
# Expected (from capstone): nop dword ptr [ebx]  (3 bytes)
0x0f,0x1c,0x03 = nop dword ptr [ebx]
