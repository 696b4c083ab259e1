; String instructions, with and without REP/REPNE, segment overrides and address-size overrides.
;! modes: all
movsb
movsw
movsd
stosb
stosd
lodsb
lodsw
scasb
scasd
cmpsb
cmpsd
insb
insd
outsb
outsw
rep movsb
rep movsd
rep stosb
rep stosd
rep lodsb
repe cmpsb
repne scasb
repe scasd
repne cmpsd
rep insb
rep outsd
es movsb
fs lodsb
gs outsb
a16 movsb ;! modes: 16 32
a32 stosb
a32 rep movsd ;! modes: 16 32
rep movsq ;! modes: 64
stosq ;! modes: 64
lodsq ;! modes: 64
repne scasq ;! modes: 64
cmpsq ;! modes: 64
a32 rep stosq ;! modes: 64
