# CS_ARCH_X86, CS_MODE_16, None
# Exported by x86diff (capstone format). REVIEW BEFORE FILING: the expected answer is zydis's view, not a verified fact.
# From: findings/example.json
# Signature 7cc40ce99745ffaf: validity|capstone,zydis|real16|legacy:1b:c5|capstone=valid,zydis=invalid-encoding
# Mode real16 (CS_MODE_16), bytes c5 f8 77
# Mode note: Capstone has no real mode; CS_MODE_16 decodes 16-bit code
#   capstone: vzeroupper  (3 bytes)
#   zydis: invalid: invalid-encoding
# Expected (from zydis): invalid (no instruction); questioned: capstone
# Expected: cs_disasm() decodes no instruction from these bytes. The .s.cs format cannot say "invalid", so the case stays a comment: file it as an issue with these bytes:
# 0xc5,0xf8,0x77
