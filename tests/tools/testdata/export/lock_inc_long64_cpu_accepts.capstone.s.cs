# CS_ARCH_X86, CS_MODE_64, None
# Exported by x86diff (capstone format). REVIEW BEFORE FILING: the expected answer is capstone's view, not a verified fact.
# From: findings/example.json
# Signature 5a234fafb6645e1f: validity|capstone,zydis|long64|legacy:1b:fe:lock|capstone=valid,zydis=illegal-lock
# Mode long64 (CS_MODE_64), bytes f0 f2 fe c0
#   capstone: inc al  (4 bytes)
#   zydis: invalid: illegal-lock
#   native (hardware): completed, length 4
# Expected (from capstone): inc al  (4 bytes); questioned: capstone
# Note: native (hardware) executes it (completed, length 4): expecting capstone's decoding although zydis rejects it
# Note: capstone already gives this answer: nothing to report to capstone; export for the other side of the divergence instead
0xf0,0xf2,0xfe,0xc0 = inc al
