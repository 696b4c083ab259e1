#!/bin/sh
# End-to-end checks of the KVM target through the real tools, run by tests/kvm/run-nested-e2e
# inside the nested guest (busybox sh) as /test-script. The binaries are at /x/ (dynamically
# linked, their libraries copied by run-nested), a seed corpus subset at /data/seed.
# Prints one "E2E PASS|FAIL: <check>" line per check and exits 1 if any failed.
# Nested results reflect QEMU's model of the CPU (see kvm/README.md): the checks are about the
# KVM target being present and plausible, not about hardware details.
# On a host with /dev/kvm run-nested-e2e runs it directly, with X86DIFF_E2E_BIN (x86diff and
# exec_diff), X86DIFF_E2E_DATA (seed/) and TMPDIR set.
X=${X86DIFF_E2E_BIN:-/x}/x86diff
FUZZ=${X86DIFF_E2E_BIN:-/x}/exec_diff
DATA=${X86DIFF_E2E_DATA:-/data}
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
FUZZ_SECONDS=${1:-5}
FAILED=0
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
pass() { echo "E2E PASS: $*"; }
fail() { echo "E2E FAIL: $*"; FAILED=1; }
# The kvm row of `x86diff modes` output (file $1), columns squeezed to single spaces.
kvm_row() { grep -E '^ +kvm ' "$1" | tr -s ' ' | sed 's/^ //'; }

# (a) x86diff run --executors=kvm --mode=all: one kvm column per mode, the expected status.
T=$(now)
for spec in "48 01 d8:completed" "cc:fault #BP" "0f 0b:fault #UD" "90:completed" "31 c0:completed"; do
  hex=${spec%%:*}; want=${spec#*:}
  $X run --mode=all --executors=kvm --color=never $hex > $W/run.out 2>&1; rc=$?
  n=$(grep -cE "^status +$want\$" $W/run.out)
  if [ "$rc" = 0 ] && [ "$n" = 5 ] && ! grep -q "executor error" $W/run.out; then
    pass "run --mode=all '$hex': kvm '$want' in 5 modes"
  else
    fail "run --mode=all '$hex': rc=$rc, kvm '$want' in $n of 5 modes"; cat $W/run.out
  fi
done
echo "E2E TIME: run x5 $(since $T) s"

# (b) x86diff modes: the kvm row exists and says what the CPU does.
T=$(now)
$X modes --executors=kvm,unicorn --color=never 0f 0b > $W/modes1.out 2>&1
row=$(kvm_row $W/modes1.out)
# #UD everywhere; the length comes from page-boundary probing, which real mode (no paging) lacks.
if [ "$row" = "kvm #UD #UD len 2 #UD len 2 #UD len 2 #UD len 2" ]; then pass "modes 0f 0b: $row"
else fail "modes 0f 0b: kvm row '$row'"; cat $W/modes1.out; fi
$X modes --executors=kvm,unicorn --color=never 40 > $W/modes2.out 2>&1
row=$(kvm_row $W/modes2.out)
# 40 alone: inc eax (length 1) in the four 16/32-bit modes; in long64 a REX prefix with nothing
# after it (truncated), which no executor runs ("-").
if [ "$row" = "kvm completed len 1 completed len 1 completed len 1 completed len 1 -" ]; then
  pass "modes 40: $row"
else fail "modes 40: kvm row '$row'"; cat $W/modes2.out; fi
$X modes --executors=kvm,unicorn --color=never 40 90 > $W/modes3.out 2>&1
row=$(kvm_row $W/modes3.out)
# 40 90: inc (length 1) in 16/32-bit modes, REX.nop (length 2) in long64.
if [ "$row" = "kvm completed len 1 completed len 1 completed len 1 completed len 1 completed len 2" ]; then
  pass "modes 40 90: $row"
else fail "modes 40 90: kvm row '$row'"; cat $W/modes3.out; fi
echo "E2E TIME: modes x3 $(since $T) s"

# (c) replay --exec over the seed subset: every case runs (batched per executor, kvm included).
T=$(now)
files=$(ls $DATA/seed | wc -l)
$X replay --exec --executors=kvm,native --keep_going --color=never $DATA/seed > $W/replay.out 2>&1
rc=$?
summary=$(grep '^replay:' $W/replay.out)
errors=$(grep -c 'executor error' $W/replay.out)
echo "E2E INFO: $summary"
if echo "$summary" | grep -q "^replay: $files files, $files cases run" && [ "$errors" = 0 ]; then
  pass "replay --exec --executors=kvm,native: $files cases, no executor errors (rc=$rc)"
else
  fail "replay --exec: rc=$rc, $errors executor errors, summary '$summary'"; tail -40 $W/replay.out
fi
echo "E2E TIME: replay $(since $T) s"

# (d) exec_diff (libFuzzer) with KVM: kvm in its executor list, findings with kvm outcomes.
T=$(now)
mkdir -p $W/corpus $W/findings
cp $DATA/seed/* $W/corpus/
X86DIFF_FINDINGS_DIR=$W/findings $FUZZ -max_total_time="$FUZZ_SECONDS" -seed=1 \
  -print_final_stats=1 $W/corpus > $W/fuzz.out 2>&1
rc=$?
executors=$(grep -m1 '^exec_diff: executors' $W/fuzz.out)
echo "E2E INFO: $executors; $(grep -m1 -E 'stat::number_of_executed_units' $W/fuzz.out)"
findings=$(ls $W/findings | wc -l)
with_kvm=$(grep -l '"target": "kvm"' $W/findings/* 2>/dev/null | wc -l)
kvm_diverges=$(grep -lE '^ *"kvm",?$' $W/findings/* 2>/dev/null | wc -l)
echo "E2E INFO: exec_diff rc=$rc, $findings findings, $with_kvm with a kvm outcome, $kvm_diverges with kvm among the diverging targets"
echo "E2E INFO: most frequent finding signatures:"
grep -h '"signature":' $W/findings/* 2>/dev/null | sed 's/^ *"signature": //; s/,$//' | sort | uniq -c |
  sort -rn | head -5 | sed 's/^/E2E INFO:   /'
if echo "$executors" | grep -qw kvm; then pass "exec_diff executors include kvm"
else fail "exec_diff executors: '$executors'"; tail -20 $W/fuzz.out; fi
if [ "$rc" = 0 ] && [ "$with_kvm" -gt 0 ]; then pass "exec_diff wrote findings with kvm outcomes"
else fail "exec_diff: rc=$rc, $with_kvm findings with kvm outcomes"; tail -20 $W/fuzz.out; fi
echo "E2E TIME: exec_diff $(since $T) s"

exit $FAILED
