; System instructions: descriptor tables, control/debug registers, MSRs, I/O, interrupts and
; returns, SYSCALL/SYSENTER, VMX, SMX, cache and TLB control, protection keys, CET, UINTR.
;! modes: all
lgdt [ebx]
sgdt [ebx]
lidt [ebx]
sidt [ebx]
lldt ax
sldt word [ebx]
ltr bx
str ax
lmsw ax
smsw eax
verr ax
verw word [ebx]
lar eax, ebx
lsl eax, [ebx]
clts
invd
wbinvd
wbnoinvd
invlpg [ebx]
rdmsr
wrmsr
rdpmc
mov eax, cr0 ;! modes: 16 32
mov cr3, eax ;! modes: 16 32
mov cr4, ebx ;! modes: 16 32
mov eax, dr7 ;! modes: 16 32
mov dr0, ecx ;! modes: 16 32
mov rax, cr0 ;! modes: 64
mov cr8, rax ;! modes: 64
mov rbx, cr2 ;! modes: 64
mov rax, dr6 ;! modes: 64
mov cr3, r15 ;! modes: 64
swapgs ;! modes: 64
syscall
sysret
o64 sysret ;! modes: 64
sysenter
sysexit
o64 sysexit ;! modes: 64
rsm
monitor
mwait
int 3
int 0x21
iret
cpuid
xsetbv
rdpkru ;! modes: 64
wrpkru ;! modes: 64
stac
clac
encls
enclu
getsec
vmcall
vmlaunch
vmresume
vmxoff
vmfunc
vmptrld [ebx]
vmptrst [ebx]
vmclear [ebx]
vmxon [ebx]
vmread eax, ebx ;! modes: 16 32
vmwrite eax, [ebx] ;! modes: 16 32
vmread rax, rbx ;! modes: 64
vmwrite r8, [rax] ;! modes: 64
invept eax, [ebx] ;! modes: 32
invvpid eax, [ebx] ;! modes: 32
invept rax, [rbx] ;! modes: 64
invvpid r8, [rax] ;! modes: 64
setssbsy
clrssbsy [ebx]
saveprevssp
rstorssp [ebx]
wrssd [ebx], eax
wrussd [ebx], eax
wrssq [rax], rbx ;! modes: 64
rdsspq rax ;! modes: 64
incsspq rax ;! modes: 64
serialize
hreset 1
pconfig
uiret ;! modes: 64
clui ;! modes: 64
stui ;! modes: 64
testui ;! modes: 64
senduipi rax ;! modes: 64
umonitor eax ;! modes: 32
umonitor rax ;! modes: 64
umwait eax
tpause ecx
cldemote [ebx]
ptwrite eax
ptwrite qword [rax] ;! modes: 64
