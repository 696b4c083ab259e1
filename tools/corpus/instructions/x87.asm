; x87 floating point: D8-DF with memory operands of every size and register forms.
;! modes: all
fld dword [ebx]
fld qword [ebx]
fld tword [ebx]
fld st1
fild word [ebx]
fild dword [ebx]
fild qword [ebx]
fst dword [ebx]
fstp qword [ebx]
fstp tword [ebx]
fstp st2
fist word [ebx]
fistp qword [ebx]
fisttp dword [ebx]
fbld [ebx]
fbstp [ebx]
fadd st0, st1
fadd dword [ebx]
faddp st1
fiadd word [ebx]
fsub qword [ebx]
fsubr st0, st3
fsubp st2
fsubrp st1
fmul st0, st7
fmul dword [ebx]
fmulp st1
fdiv qword [ebx]
fdivr st0, st1
fdivp st3
fidivr dword [ebx]
fcom st1
fcomp dword [ebx]
fcompp
fucom st2
fucomp st1
fucompp
fcomi st0, st1
fcomip st0, st2
fucomi st0, st3
fucomip st0, st1
ficom word [ebx]
ftst
fxam
fchs
fabs
fsqrt
fsin
fcos
fsincos
fptan
fpatan
f2xm1
fyl2x
fyl2xp1
fscale
fprem
fprem1
frndint
fxtract
fld1
fldz
fldpi
fldl2e
fldl2t
fldlg2
fldln2
fxch st1
fxch st7
fcmovb st0, st1
fcmove st0, st2
fcmovnbe st0, st3
fcmovnu st0, st7
ffree st3
ffreep st1
fnop
fincstp
fdecstp
fninit
fnclex
fnstsw ax
fnstsw word [ebx]
fnstcw [ebx]
fldcw [ebx]
fnstenv [ebx]
fldenv [ebx]
fnsave [ebx]
frstor [ebx]
fxsave [ebx]
fxrstor [ebx]
fwait
fxsave64 [rax] ;! modes: 64
fxrstor64 [rax] ;! modes: 64
