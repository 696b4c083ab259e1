# CS_ARCH_X86, CS_MODE_64, None
# Exported by x86diff (capstone format). REVIEW BEFORE FILING: the expected answer is zydis's view, not a verified fact.
# From: findings/example.json
# Signature 5a234fafb6645e1f: validity|capstone,zydis|long64|legacy:1b:fe:lock|capstone=valid,zydis=illegal-lock
# Mode long64 (CS_MODE_64), bytes f0 f2 fe c0
#   capstone: inc al  (4 bytes)
#   zydis: invalid: illegal-lock
# Expected (from zydis): invalid (no instruction); questioned: capstone
# Expected: cs_disasm() decodes no instruction from these bytes. The .s.cs format cannot say "invalid", so the case stays a comment: file it as an issue with these bytes:
# 0xf0,0xf2,0xfe,0xc0
