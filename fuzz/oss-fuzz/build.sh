#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for x86diff (see fuzz/oss-fuzz/README.md).
#
# Builds every fuzz target of fuzz/CMakeLists.txt with the compilers, flags and fuzzing engine the
# infrastructure hands in, and packages each as OSS-Fuzz expects:
#   $OUT/<target>, $OUT/<target>_seed_corpus.zip, $OUT/<target>.dict, $OUT/<target>.options.
#
# Input (set by OSS-Fuzz's `compile`; tools/oss-fuzz-local sets them for a local run):
#   CC CXX CFLAGS CXXFLAGS   compilers and flags (sanitizer + -fsanitize=fuzzer-no-link)
#   LIB_FUZZING_ENGINE       what fuzz targets link instead of -fsanitize=fuzzer
#   SRC OUT WORK             sources (read-only), packaged output, scratch space
# x86diff's own knobs:
#   X86DIFF_SRC              the x86diff checkout (default: $SRC/x86diff, where the Dockerfile puts it)
#   X86DIFF_SYSTEM_DEPS=1    take abseil, nlohmann-json, Zycore and Unicorn from the system (Debian 12
#                            packages, tools/setup) and Capstone/Zydis sources from
#                            X86DIFF_DECODER_SOURCES; otherwise everything comes from $SRC/<dep>
#                            (cloned by the Dockerfile) and is linked statically, as the runner
#                            image has none of these libraries
#   X86DIFF_DECODER_SOURCES  Debian source trees of capstone/zydis (tools/fetch-decoder-sources;
#                            default $X86DIFF_SRC/build/decoder-sources); with X86DIFF_SYSTEM_DEPS only
#   JOBS                     parallel build jobs (default: nproc)
#
# The decoders under test (Capstone, Zydis) are always compiled here with $CFLAGS, so that the
# fuzzer sees coverage inside them and the sanitizers check them: that is the point of the build.

# Every fuzz target and its packaging. tests/fuzz/oss_fuzz_files_check.py fails when a target
# declared with x86diff_fuzzer() in fuzz/CMakeLists.txt is missing here.
FUZZ_TARGETS=(decoder_diff exec_diff testcase_parse)
# <target> -> seed corpus directories (relative to the checkout), dictionary, options file.
declare -A SEED_DIRS=(
  [decoder_diff]="corpora/seed"
  [exec_diff]="corpora/seed"
  [testcase_parse]="fuzz/corpus/testcase_parse corpora/seed"
)
declare -A DICTS=(
  [decoder_diff]="fuzz/decoder_diff.dict"
  [exec_diff]="fuzz/decoder_diff.dict"
  [testcase_parse]="fuzz/oss-fuzz/testcase_parse.dict"
)
declare -A OPTIONS=(
  [decoder_diff]="fuzz/oss-fuzz/decoder_diff.options"
  [exec_diff]="fuzz/oss-fuzz/exec_diff.options"
  [testcase_parse]="fuzz/oss-fuzz/testcase_parse.options"
)

X86DIFF_SRC="${X86DIFF_SRC:-${SRC}/x86diff}"
X86DIFF_SYSTEM_DEPS="${X86DIFF_SYSTEM_DEPS:-0}"
X86DIFF_DECODER_SOURCES="${X86DIFF_DECODER_SOURCES:-${X86DIFF_SRC}/build/decoder-sources}"
JOBS="${JOBS:-$(nproc)}"
PREFIX="${WORK}/deps"  # where the dependencies built here are installed
GENERATOR="Unix Makefiles"
if command -v ninja >/dev/null; then GENERATOR=Ninja; fi

note() { echo "build.sh: $*" >&2; }
die() {
  echo "build.sh: error: $*" >&2
  exit 1
}

# No CMAKE_BUILD_TYPE anywhere: the build type would append its own -O/-g/-DNDEBUG after $CFLAGS,
# and OSS-Fuzz's flags (-O1, -gline-tables-only) are meant to be the whole story.
cmake_dep() {  # cmake_dep <name> <source dir> [cmake args...]: configure, build, install to PREFIX
  local name="$1" src="$2"
  shift 2
  [[ -f "${src}/CMakeLists.txt" ]] || die "${name}: no CMakeLists.txt in ${src}"
  note "building ${name} from ${src}"
  cmake -S "${src}" -B "${WORK}/build-${name}" -G "${GENERATOR}" \
    -DCMAKE_C_COMPILER="${CC}" -DCMAKE_CXX_COMPILER="${CXX}" \
    -DCMAKE_C_FLAGS="${CFLAGS}" -DCMAKE_CXX_FLAGS="${CXXFLAGS}" \
    -DCMAKE_INSTALL_PREFIX="${PREFIX}" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_PREFIX_PATH="${PREFIX}" -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_SHARED_LIBS=OFF "$@" >"${WORK}/build-${name}.log" 2>&1 ||
    { cat "${WORK}/build-${name}.log" >&2; die "${name}: configure failed"; }
  cmake --build "${WORK}/build-${name}" -j "${JOBS}" >>"${WORK}/build-${name}.log" 2>&1 ||
    { tail -50 "${WORK}/build-${name}.log" >&2; die "${name}: build failed"; }
  cmake --install "${WORK}/build-${name}" >>"${WORK}/build-${name}.log" 2>&1 ||
    { tail -50 "${WORK}/build-${name}.log" >&2; die "${name}: install failed"; }
}

# Capstone 4.0.2 with Debian's configuration (x86 only here; full x86 instruction set, no diet,
# system malloc), as cmake/X86diffInstrumentedDecoders.cmake builds it.
build_capstone() {
  cmake_dep capstone "$1" \
    -DCAPSTONE_ARCHITECTURE_DEFAULT=OFF -DCAPSTONE_X86_SUPPORT=ON -DCAPSTONE_X86_REDUCE=OFF \
    -DCAPSTONE_BUILD_DIET=OFF -DCAPSTONE_USE_DEFAULT_ALLOC=ON -DCAPSTONE_BUILD_STATIC=ON \
    -DCAPSTONE_BUILD_SHARED=OFF -DCAPSTONE_BUILD_TESTS=OFF -DCAPSTONE_BUILD_CSTOOL=OFF
  # Capstone 4's CMake installs capstone.pc only with the shared library. Both include spellings
  # work, as with the Debian package: <capstone/capstone.h> and <capstone.h>.
  mkdir -p "${PREFIX}/lib/pkgconfig"
  cat >"${PREFIX}/lib/pkgconfig/capstone.pc" <<EOF
prefix=${PREFIX}
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: capstone
Description: Capstone disassembly engine (static, built by fuzz/oss-fuzz/build.sh)
Version: 4.0.2
Libs: -L\${libdir} -lcapstone
Cflags: -I\${includedir} -I\${includedir}/capstone
EOF
}

# Zydis 4.0.0 against an installed Zycore, all decoder features on (Debian's configuration).
build_zydis() {
  cmake_dep zydis "$1" \
    -DZYAN_SYSTEM_ZYCORE=ON -DZYDIS_BUILD_SHARED_LIB=OFF -DZYDIS_BUILD_EXAMPLES=OFF \
    -DZYDIS_BUILD_TOOLS=OFF -DZYDIS_BUILD_MAN=OFF -DZYDIS_BUILD_DOXYGEN=OFF
}

# Unicorn runs only inside a forked worker process (adapters/common/worker_process.h): coverage
# counters there never reach the fuzzer, and its known crashes are results, not fuzzer crashes.
# So it is built without sanitizers or coverage, which also keeps this long build shorter.
build_unicorn() {
  local src="$1" build="${WORK}/build-unicorn"
  note "building unicorn from ${src} (uninstrumented, see build.sh)"
  cmake -S "${src}" -B "${build}" -G "${GENERATOR}" \
    -DCMAKE_C_COMPILER="${CC}" -DCMAKE_CXX_COMPILER="${CXX}" \
    -DCMAKE_C_FLAGS="-O2 -fno-omit-frame-pointer -gline-tables-only" \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_SHARED_LIBS=OFF -DUNICORN_BUILD_SHARED=OFF \
    -DUNICORN_ARCH=x86 \
    -DUNICORN_BUILD_TESTS=OFF -DUNICORN_INSTALL=OFF >"${build}.log" 2>&1 ||
    { cat "${build}.log" >&2; die "unicorn: configure failed"; }
  cmake --build "${build}" -j "${JOBS}" >>"${build}.log" 2>&1 ||
    { tail -50 "${build}.log" >&2; die "unicorn: build failed"; }
  # The static build is libunicorn.a plus, in 2.0.x, the per-target and common archives (as in
  # OSS-Fuzz's own unicorn project; later versions may bundle them into libunicorn.a). A
  # pkg-config file that lists them lets adapters/unicorn/CMakeLists.txt find them like the
  # Debian package.
  mkdir -p "${PREFIX}/lib/pkgconfig" "${PREFIX}/include"
  [[ -f "${build}/libunicorn.a" ]] || die "unicorn: no libunicorn.a in ${build}"
  local archive libs="-lunicorn"
  for archive in unicorn x86_64-softmmu unicorn-common; do
    if [[ -f "${build}/lib${archive}.a" ]]; then
      cp "${build}/lib${archive}.a" "${PREFIX}/lib/"
      [[ "${archive}" == unicorn ]] || libs+=" -l${archive}"
    fi
  done
  cp -r "${src}/include/unicorn" "${PREFIX}/include/"
  cat >"${PREFIX}/lib/pkgconfig/unicorn.pc" <<EOF
prefix=${PREFIX}
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: unicorn
Description: Unicorn emulator engine (static x86, built by fuzz/oss-fuzz/build.sh)
Version: 2.0.1
Libs: -L\${libdir} ${libs} -lpthread -lm -lrt
Cflags: -I\${includedir}
EOF
}

build_dependencies() {
  mkdir -p "${PREFIX}"
  if [[ "${X86DIFF_SYSTEM_DEPS}" == 1 ]]; then
    # Local emulation on Debian 12: the same source trees the `fuzz` preset instruments.
    [[ -f "${X86DIFF_DECODER_SOURCES}/capstone/CMakeLists.txt" &&
      -f "${X86DIFF_DECODER_SOURCES}/zydis/CMakeLists.txt" ]] ||
      die "X86DIFF_SYSTEM_DEPS=1 needs the Debian sources of capstone and zydis in" \
        "${X86DIFF_DECODER_SOURCES}; run tools/fetch-decoder-sources first"
    build_capstone "${X86DIFF_DECODER_SOURCES}/capstone"
    build_zydis "${X86DIFF_DECODER_SOURCES}/zydis"  # finds Debian's libzycore-dev
    return
  fi
  # C++ libraries must see the same CXXFLAGS (OSS-Fuzz compiles against libc++) and C++ standard
  # as x86diff: abseil picks std:: or absl:: types by the language version it is compiled with.
  cmake_dep abseil "${SRC}/abseil-cpp" -DCMAKE_CXX_STANDARD=20 -DABSL_PROPAGATE_CXX_STD=ON \
    -DABSL_BUILD_TESTING=OFF -DBUILD_TESTING=OFF
  cmake_dep nlohmann_json "${SRC}/json" -DJSON_BuildTests=OFF -DJSON_Install=ON
  build_capstone "${SRC}/capstone"
  cmake_dep zycore "${SRC}/zycore" -DZYCORE_BUILD_SHARED_LIB=OFF -DZYCORE_BUILD_EXAMPLES=OFF \
    -DZYCORE_BUILD_TESTS=OFF
  build_zydis "${SRC}/zydis"
  build_unicorn "${SRC}/unicorn"
}

build_targets() {
  local build="${WORK}/x86diff"
  note "configuring x86diff (${X86DIFF_SRC})"
  # X86DIFF_FUZZING adds -fsanitize=fuzzer-no-link (already in $CFLAGS for libFuzzer builds) and
  # creates the fuzz executables; sanitizers come from $CFLAGS, not X86DIFF_SANITIZERS.
  PKG_CONFIG_PATH="${PREFIX}/lib/pkgconfig${PKG_CONFIG_PATH:+:${PKG_CONFIG_PATH}}" \
    cmake -S "${X86DIFF_SRC}" -B "${build}" -G "${GENERATOR}" \
    -DCMAKE_C_COMPILER="${CC}" -DCMAKE_CXX_COMPILER="${CXX}" \
    -DCMAKE_C_FLAGS="${CFLAGS}" -DCMAKE_CXX_FLAGS="${CXXFLAGS}" \
    -DCMAKE_PREFIX_PATH="${PREFIX}" \
    -DX86DIFF_FUZZING=ON -DX86DIFF_LIB_FUZZING_ENGINE="${LIB_FUZZING_ENGINE}" \
    -DX86DIFF_SANITIZERS= -DX86DIFF_DECODER_SOURCES= \
    -DX86DIFF_BUILD_TESTS=OFF -DX86DIFF_BUILD_BENCHMARKS=OFF
  note "building ${FUZZ_TARGETS[*]}"
  cmake --build "${build}" -j "${JOBS}" --target "${FUZZ_TARGETS[@]}"
  for target in "${FUZZ_TARGETS[@]}"; do
    cp "${build}/fuzz/${target}" "${OUT}/${target}"
  done
}

package_targets() {
  local target dir staging
  for target in "${FUZZ_TARGETS[@]}"; do
    # One flat zip per target; only files (corpora/seed/README.md is documentation, not a seed).
    staging="${WORK}/seeds-${target}"
    rm -rf "${staging}" "${OUT}/${target}_seed_corpus.zip"
    mkdir -p "${staging}"
    for dir in ${SEED_DIRS[${target}]}; do
      [[ -d "${X86DIFF_SRC}/${dir}" ]] || die "${target}: seed directory ${dir} is missing"
      find "${X86DIFF_SRC}/${dir}" -maxdepth 1 -type f ! -name '*.md' ! -name 'CMakeLists.txt' \
        -exec cp -t "${staging}" {} +
    done
    (cd "${staging}" && zip -q -X "${OUT}/${target}_seed_corpus.zip" ./*)
    cp "${X86DIFF_SRC}/${DICTS[${target}]}" "${OUT}/${target}.dict"
    cp "${X86DIFF_SRC}/${OPTIONS[${target}]}" "${OUT}/${target}.options"
    note "packaged ${target}: $(find "${staging}" -type f | wc -l) seeds"
  done
}

# In main(), which bash reads whole before running: editing this file during a build is safe.
main() {
  [[ -f "${X86DIFF_SRC}/fuzz/CMakeLists.txt" ]] ||
    die "X86DIFF_SRC=${X86DIFF_SRC} is no x86diff checkout"
  mkdir -p "${OUT}" "${WORK}"
  build_dependencies
  build_targets
  package_targets
}

main "$@"; exit  # one line: read before main runs
