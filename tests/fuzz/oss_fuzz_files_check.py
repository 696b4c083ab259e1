#!/usr/bin/env python3
"""Static check of the OSS-Fuzz packaging in fuzz/oss-fuzz/ (CTest: oss_fuzz_files_check).

Fails when a fuzz target declared with x86diff_fuzzer() in fuzz/CMakeLists.txt is not built and
packaged by fuzz/oss-fuzz/build.sh (FUZZ_TARGETS plus its SEED_DIRS, DICTS and OPTIONS entries),
when a file that packaging names is missing, or when Dockerfile/project.yaml lose what OSS-Fuzz
needs. The real build is tools/oss-fuzz-local (minutes; not part of CTest).

Usage: oss_fuzz_files_check.py REPO_ROOT     (runs the check, then a self-test proving it can fail)
"""

import os
import re
import shutil
import sys
import tempfile


def fuzz_targets_in_cmake(root):
    with open(os.path.join(root, "fuzz", "CMakeLists.txt")) as f:
        text = f.read()
    # Comments first: a commented-out target is no target.
    text = re.sub(r"#[^\n]*", "", text)
    return re.findall(r"x86diff_fuzzer\s*\(\s*NAME\s+([A-Za-z0-9_]+)", text)


def bash_array(text, name):
    match = re.search(r"^%s=\(([^)]*)\)" % re.escape(name), text, re.M)
    return match.group(1).split() if match else None


def bash_assoc(text, name):
    """Entries of `declare -A NAME=( [key]="value" ... )`."""
    match = re.search(r"^declare -A %s=\((.*?)^\)" % re.escape(name), text, re.M | re.S)
    if not match:
        return None
    return dict(re.findall(r'\[([A-Za-z0-9_]+)\]="([^"]*)"', match.group(1)))


def check(root):
    """Returns a list of problems (empty when all is well)."""
    problems = []
    oss = os.path.join(root, "fuzz", "oss-fuzz")
    for name in ("build.sh", "Dockerfile", "project.yaml", "README.md"):
        if not os.path.isfile(os.path.join(oss, name)):
            problems.append("fuzz/oss-fuzz/%s is missing" % name)
    local = os.path.join(root, "tools", "oss-fuzz-local")
    if not os.access(local, os.X_OK):
        problems.append("tools/oss-fuzz-local is missing or not executable")
    if problems:
        return problems

    build_sh_path = os.path.join(oss, "build.sh")
    if not os.access(build_sh_path, os.X_OK):
        problems.append("fuzz/oss-fuzz/build.sh is not executable")
    with open(build_sh_path) as f:
        build_sh = f.read()
    for variable in ("CC", "CXX", "CFLAGS", "CXXFLAGS", "LIB_FUZZING_ENGINE", "SRC", "OUT", "WORK"):
        if not re.search(r"\$\{?%s\b" % variable, build_sh):
            problems.append("build.sh never uses $%s" % variable)
    if "X86DIFF_LIB_FUZZING_ENGINE" not in build_sh:
        problems.append("build.sh does not hand $LIB_FUZZING_ENGINE to CMake "
                        "(-DX86DIFF_LIB_FUZZING_ENGINE)")

    declared = fuzz_targets_in_cmake(root)
    if not declared:
        problems.append("found no x86diff_fuzzer(NAME ...) in fuzz/CMakeLists.txt")
    packaged = bash_array(build_sh, "FUZZ_TARGETS")
    tables = {name: bash_assoc(build_sh, name) for name in ("SEED_DIRS", "DICTS", "OPTIONS")}
    if packaged is None:
        problems.append("build.sh has no FUZZ_TARGETS=(...) line")
        packaged = []
    for name, table in tables.items():
        if table is None:
            problems.append("build.sh has no 'declare -A %s=(...)' table" % name)
            tables[name] = {}
    for target in declared:
        if target not in packaged:
            problems.append("fuzz target %s (fuzz/CMakeLists.txt) is not in build.sh's "
                            "FUZZ_TARGETS: OSS-Fuzz would not build it" % target)
        for name, table in tables.items():
            if target not in table:
                problems.append("build.sh's %s has no entry for %s" % (name, target))
    for target in packaged:
        if target not in declared:
            problems.append("build.sh packages %s, which fuzz/CMakeLists.txt does not declare"
                            % target)
    for target, dirs in tables["SEED_DIRS"].items():
        for d in dirs.split():
            if not os.path.isdir(os.path.join(root, d)):
                problems.append("seed directory %s of %s does not exist" % (d, target))
    for name in ("DICTS", "OPTIONS"):
        for target, path in tables[name].items():
            full = os.path.join(root, path)
            if not os.path.isfile(full):
                problems.append("%s file %s of %s does not exist" % (name, path, target))
            elif name == "OPTIONS":
                with open(full) as f:
                    if "[libfuzzer]" not in f.read():
                        problems.append("%s has no [libfuzzer] section" % path)

    with open(os.path.join(oss, "Dockerfile")) as f:
        dockerfile = f.read()
    if not re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder\b", dockerfile, re.M):
        problems.append("Dockerfile is not FROM gcr.io/oss-fuzz-base/base-builder")
    if not re.search(r"^COPY .*build\.sh", dockerfile, re.M):
        problems.append("Dockerfile does not COPY build.sh")
    with open(os.path.join(oss, "project.yaml")) as f:
        project = f.read()
    for pattern, what in ((r"^language:\s*c\+\+\s*$", "language: c++"),
                          (r"^main_repo:", "main_repo"),
                          (r"^\s*-\s*address\s*$", "sanitizer address"),
                          (r"^\s*-\s*undefined\s*$", "sanitizer undefined"),
                          (r"^\s*-\s*libfuzzer\s*$", "fuzzing engine libfuzzer")):
        if not re.search(pattern, project, re.M):
            problems.append("project.yaml lacks %s" % what)
    return problems


def self_test(root):
    """The check must notice a target that build.sh does not package."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(root, "fuzz"), os.path.join(tmp, "fuzz"), symlinks=True,
                        ignore=shutil.ignore_patterns("corpus"))
        os.makedirs(os.path.join(tmp, "tools"))
        shutil.copy2(os.path.join(root, "tools", "oss-fuzz-local"), os.path.join(tmp, "tools"))
        os.makedirs(os.path.join(tmp, "corpora", "seed"))
        os.makedirs(os.path.join(tmp, "fuzz", "corpus", "testcase_parse"))
        if check(tmp):
            return ["self-test: the copied tree should pass, got %s" % check(tmp)]
        with open(os.path.join(tmp, "fuzz", "CMakeLists.txt"), "a") as f:
            f.write("\nx86diff_fuzzer(NAME brand_new_target SRCS brand_new_target.cc)\n")
        problems = check(tmp)
        if not any("brand_new_target" in p and "FUZZ_TARGETS" in p for p in problems):
            return ["self-test: an unpackaged target went unnoticed (problems: %s)" % problems]
    return []


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    problems = check(root) + self_test(root)
    for problem in problems:
        print("oss_fuzz_files_check: %s" % problem, file=sys.stderr)
    if not problems:
        print("oss_fuzz_files_check: ok (%s)" % ", ".join(fuzz_targets_in_cmake(root)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
