#!/usr/bin/env python3
"""Generates the seed corpus corpora/seed/ from the instruction lists in tools/corpus/instructions/.

Each list file is one encoding family (the file stem, e.g. "vex"). A line is one instruction in
NASM syntax (or a `db` line for encodings an assembler would not produce) with an optional trailing
`;! modes: ...` that overrides the file's default given by a `;! modes: ...` line before the first
instruction. The modes say where the line is meaningful. Mode words: real16 prot16 prot32 compat32
long64, and the shorthands 16 (real16 and prot16), 32 (prot32 and compat32), 64 (long64), all.

A `;! spread: ...` line before the first instruction says how many of a line's modes get a seed,
which keeps the corpus near 1500 cases while every family still reaches every mode:
  one    one mode per line, rotating through the line's modes by line position (the default);
  width  one mode per bit width, alternating real16/prot16 and prot32/compat32 by line position;
  all    every mode of the line.

Every line is assembled with nasm once per bit width it needs (`bits 16` serves real16 and prot16,
`bits 32` prot32 and compat32, `bits 64` long64) and every (mode, bytes) pair becomes one test case
file in the binary v1 encoding of harness/test_case_codec.h:

    u8 version = 1, u8 mode (0..4), u8 code_length, code[code_length]

named by the first 16 hex digits of the SHA-1 of that encoding. The output is deterministic: the
same lists and the same nasm give byte-identical files; files of earlier runs that are no longer
produced are removed, and corpora/seed/README.md (with counts per mode and family) is rewritten.

Usage:
    python3 tools/corpus/generate_seed.py            # regenerate corpora/seed/
    python3 tools/corpus/generate_seed.py --check    # exit 1 if corpora/seed/ is not up to date
    python3 tools/corpus/generate_seed.py --list     # print hash, mode, family, source, text

A line that nasm rejects in a mode it is declared for is an error (reported as list-file:line), so
the lists stay accurate instead of being silently thinned out.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST_DIR = os.path.join(REPO_ROOT, "tools", "corpus", "instructions")
OUT_DIR = os.path.join(REPO_ROOT, "corpora", "seed")

FORMAT_VERSION = 1
MAX_CODE_BYTES = 64
# Mode names and numeric values as in harness/mode.h (part of the binary encoding).
MODES = {"real16": 0, "prot16": 1, "prot32": 2, "compat32": 3, "long64": 4}
MODE_BITS = {"real16": 16, "prot16": 16, "prot32": 32, "compat32": 32, "long64": 64}
MODE_WORDS = {
    "16": ("real16", "prot16"),
    "32": ("prot32", "compat32"),
    "64": ("long64",),
    "all": tuple(MODES),
}
MODE_WORDS.update({name: (name,) for name in MODES})
GENERATED_NAME = re.compile(r"^[0-9a-f]{16}$")
DIRECTIVE = re.compile(r";!\s*modes:\s*(.*)$")
SPREAD_DIRECTIVE = re.compile(r"^\s*;!\s*spread:\s*(\S+)\s*$")
SPREADS = ("one", "width", "all")
# Each instruction is assembled into its own slot so that lengths can be read back from one
# nasm run per (file, bit width); a slot is larger than any instruction we list.
SLOT_BYTES = 64


class ListError(Exception):
    pass


def parse_modes(text, where):
    modes = []
    for word in text.split():
        if word not in MODE_WORDS:
            raise ListError(f"{where}: unknown mode word '{word}' (want one of "
                            f"{', '.join(MODE_WORDS)})")
        for mode in MODE_WORDS[word]:
            if mode not in modes:
                modes.append(mode)
    if not modes:
        raise ListError(f"{where}: empty mode list")
    return modes


def select_modes(modes, spread, position):
    """Picks the modes that get a seed for the line at `position` (0-based) of its file."""
    if spread == "all":
        return modes
    if spread == "one":
        return [modes[position % len(modes)]]
    chosen = []
    for bits in (16, 32, 64):
        same_width = [m for m in modes if MODE_BITS[m] == bits]
        if same_width:
            chosen.append(same_width[position % len(same_width)])
    return chosen


def read_list(path):
    """Returns (family, [(line_number, instruction_text, [modes that get a seed])])."""
    family = os.path.splitext(os.path.basename(path))[0]
    default_modes = None
    spread = "one"
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            where = f"{os.path.relpath(path, REPO_ROOT)}:{number}"
            line = raw.rstrip("\n")
            spread_directive = SPREAD_DIRECTIVE.match(line)
            if spread_directive:
                if entries:
                    raise ListError(f"{where}: a spread line must precede the first instruction")
                spread = spread_directive.group(1)
                if spread not in SPREADS:
                    raise ListError(f"{where}: unknown spread '{spread}' (want one of "
                                    f"{', '.join(SPREADS)})")
                continue
            directive = DIRECTIVE.search(line)
            code = line[:directive.start()] if directive else line
            code = code.split(";", 1)[0].strip()
            if not code:
                if directive:
                    if entries:
                        raise ListError(f"{where}: a default modes line must precede the "
                                        "first instruction")
                    default_modes = parse_modes(directive.group(1), where)
                continue
            if directive:
                modes = parse_modes(directive.group(1), where)
            elif default_modes is not None:
                modes = default_modes
            else:
                raise ListError(f"{where}: no modes for '{code}' (add a ';! modes:' line)")
            entries.append((number, code, select_modes(modes, spread, len(entries))))
    if not entries:
        raise ListError(f"{path}: no instructions")
    return family, entries


def assemble(path, entries, bits, nasm):
    """Assembles the entries of one list file at one bit width; returns {line_number: bytes}."""
    rel = os.path.relpath(path, REPO_ROOT)
    source = [f"bits {bits}", "org 0"]
    for index, (number, code, _) in enumerate(entries):
        source += [
            f"%line {number}+0 {rel}",
            f"s{index}: {code}",
            f"e{index}:",
            "%line 0+0 generated",
            f"times {SLOT_BYTES} - (e{index} - s{index}) db 0",
        ]
    source.append("%line 0+0 generated")
    source += [f"dw e{i} - s{i}" for i in range(len(entries))]
    with tempfile.TemporaryDirectory(prefix="x86diff-seed-") as tmp:
        asm = os.path.join(tmp, "in.asm")
        out = os.path.join(tmp, "out.bin")
        with open(asm, "w", encoding="utf-8") as f:
            f.write("\n".join(source) + "\n")
        result = subprocess.run([nasm, "-f", "bin", "-w+error", "-w-prefix-seg", "-o", out, asm],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ListError(f"nasm failed for {rel} in bits {bits}:\n{result.stderr.strip()}")
        with open(out, "rb") as f:
            image = f.read()
    table = image[SLOT_BYTES * len(entries):]
    if len(table) != 2 * len(entries):
        raise ListError(f"{rel} bits {bits}: unexpected nasm output size {len(image)}")
    assembled = {}
    for index, (number, code, _) in enumerate(entries):
        length = int.from_bytes(table[2 * index:2 * index + 2], "little")
        if not 0 < length <= MAX_CODE_BYTES:
            raise ListError(f"{rel}:{number}: '{code}' assembled to {length} bytes in bits {bits}")
        start = SLOT_BYTES * index
        assembled[number] = image[start:start + length]
    return assembled


def encode(mode, code):
    return bytes([FORMAT_VERSION, MODES[mode], len(code)]) + code


def generate(nasm):
    """Returns ({name: (encoding, mode, family, source, text)}, list of family names)."""
    cases = {}
    families = []
    errors = []
    for file_name in sorted(os.listdir(LIST_DIR)):
        if not file_name.endswith(".asm"):
            continue
        path = os.path.join(LIST_DIR, file_name)
        family, entries = read_list(path)
        families.append(family)
        for bits in (16, 32, 64):
            wanted = [e for e in entries if any(MODE_BITS[m] == bits for m in e[2])]
            if not wanted:
                continue
            try:
                assembled = assemble(path, wanted, bits, nasm)
            except ListError as error:
                errors.append(str(error))
                continue
            for number, code, modes in wanted:
                for mode in modes:
                    if MODE_BITS[mode] != bits:
                        continue
                    encoding = encode(mode, assembled[number])
                    name = hashlib.sha1(encoding).hexdigest()[:16]
                    source = f"{os.path.relpath(path, REPO_ROOT)}:{number}"
                    # The first list (in sorted file and line order) that produces a case owns it.
                    cases.setdefault(name, (encoding, mode, family, source, code))
    if errors:
        raise ListError("\n".join(errors))
    return cases, families


def render_readme(cases, families, nasm_version):
    per_mode = {mode: 0 for mode in MODES}
    per_family = {family: {mode: 0 for mode in MODES} for family in families}
    for encoding, mode, family, _, _ in cases.values():
        per_mode[mode] += 1
        per_family[family][mode] += 1
    header = "| family | " + " | ".join(MODES) + " | total |"
    rule = "|---|" + "---:|" * (len(MODES) + 1)
    rows = []
    for family in families:
        counts = per_family[family]
        rows.append(f"| {family} | " + " | ".join(str(counts[m]) for m in MODES) +
                    f" | {sum(counts.values())} |")
    rows.append("| **all** | " + " | ".join(str(per_mode[m]) for m in MODES) +
                f" | {len(cases)} |")
    table = "\n".join([header, rule] + rows)
    return f"""# Seed corpus

Generated; do not edit by hand. {len(cases)} test cases, one per file, in the binary v1 encoding of
`harness/test_case_codec.h` (`[version=1][mode 0..4][code_len][code]`), each named by the first 16
hex digits of the SHA-1 of its encoding. Every case is one instruction assembled by nasm from the
lists in `tools/corpus/instructions/` (one file per encoding family; `;! modes:` says where a line
is meaningful), with `bits 16` for real16 and prot16, `bits 32` for prot32 and compat32 and
`bits 64` for long64. To keep the corpus near 1500 cases while every family reaches every mode it
applies to, a family's `;! spread:` picks the modes that get a seed: `one` (the default) rotates
each line through its modes, `width` gives a line one mode per bit width (the `odd` family, where
the mode matters most), `all` every mode. The `odd` family spells deliberately unusual encodings
as `db` bytes (redundant and conflicting prefixes, 15- and 16-byte instructions, `66 e8` in 64-bit
mode, C4/C5/62 with mod != 11 in 32-bit modes, VEX bytes in real mode, REX before a legacy prefix,
40-4f in 32- vs 64-bit mode, truncated instructions).

Regenerate (needs python3 and nasm; these files were made with {nasm_version}):

    python3 tools/corpus/generate_seed.py          # rewrite corpora/seed/, remove stale files
    python3 tools/corpus/generate_seed.py --check  # exit 1 when this directory is out of date
    python3 tools/corpus/generate_seed.py --list   # which list line produced which file

The output is deterministic: a second run gives byte-identical files. A case produced by several
list lines is counted once, under the first family in file order.

## Cases per family and mode

{table}

Use: `x86diff replay corpora/seed` runs every case through the decoders (this README is skipped as
documentation); the fuzzers take the directory as their starting corpus.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if corpora/seed/ differs from the lists")
    parser.add_argument("--list", action="store_true",
                        help="print name, mode, family, source line and text of every case")
    parser.add_argument("--nasm", default=shutil.which("nasm") or "nasm", help="nasm binary")
    parser.add_argument("--out", default=OUT_DIR, help="output directory (default corpora/seed)")
    args = parser.parse_args()

    try:
        nasm_version = subprocess.run([args.nasm, "-v"], capture_output=True, text=True,
                                      check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"error: cannot run nasm ({error}); install it with 'apt-get install nasm'",
              file=sys.stderr)
        return 2
    nasm_version = re.sub(r"\s+compiled on.*$", "", nasm_version)
    try:
        cases, families = generate(args.nasm)
    except ListError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    if args.list:
        def order(name):
            file_name, line = cases[name][3].rsplit(":", 1)
            return (file_name, int(line), MODES[cases[name][1]], name)
        for name in sorted(cases, key=order):
            encoding, mode, family, source, text = cases[name]
            code = encoding[3:].hex(" ")
            print(f"{name}\t{mode}\t{family}\t{source}\t{code}\t{text}")
        return 0

    wanted = {name: case[0] for name, case in cases.items()}
    wanted["README.md"] = render_readme(cases, families, nasm_version).encode("utf-8")
    existing = set(os.listdir(args.out)) if os.path.isdir(args.out) else set()
    stale = sorted(n for n in existing - set(wanted) if GENERATED_NAME.match(n))
    unknown = sorted(n for n in existing - set(wanted) if not GENERATED_NAME.match(n))
    changed = []
    for name, data in sorted(wanted.items()):
        path = os.path.join(args.out, name)
        try:
            with open(path, "rb") as f:
                if f.read() == data:
                    continue
        except FileNotFoundError:
            pass
        changed.append(name)

    if args.check:
        for name in changed:
            print(f"out of date: {name}", file=sys.stderr)
        for name in stale:
            print(f"stale: {name}", file=sys.stderr)
        for name in unknown:
            print(f"not generated: {name}", file=sys.stderr)
        return 1 if changed or stale or unknown else 0

    os.makedirs(args.out, exist_ok=True)
    for name in changed:
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(wanted[name])
    for name in stale:
        os.remove(os.path.join(args.out, name))
    for name in unknown:
        print(f"warning: {os.path.join(args.out, name)} is not generated; left in place",
              file=sys.stderr)
    print(f"{len(cases)} cases in {len(families)} families: {len(changed)} written, "
          f"{len(stale)} stale removed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
