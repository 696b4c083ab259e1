# Coverage-instrumented decoders for fuzzing builds.
#
# Debian's libcapstone4 and libzydis4.0 are not compiled with coverage instrumentation, so a libFuzzer
# target that links them is blind inside the decoders (cov: 1). When X86DIFF_DECODER_SOURCES points
# at the Debian source trees of the very same versions (tools/fetch-decoder-sources puts them in
# <dir>/capstone and <dir>/zydis), this module builds them as static libraries with the project's
# instrumentation and sanitizer flags and makes the interface targets x86diff_capstone_lib and
# x86diff_zydis_lib (declared by X86diffDependencies.cmake) link those instead of the system ones.
#
# The builds are ExternalProjects: their own configure step and flags, logs under
# <build>/decoders/<name>/src/<name>-stamp/ (shown on failure), and BUILD_BYPRODUCTS so that Ninja
# knows the archives. BUILD_ALWAYS re-runs the (incremental, usually no-op) inner build on every
# build, so that edits to the source trees (a patched decoder, a re-fetched version) are picked up;
# dependents relink only when an archive actually changed. Only x86 support is built; everything else about the configuration follows
# Debian's defaults so that the instrumented copies decode exactly like the system libraries.
include_guard(GLOBAL)
include(ExternalProject)

if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "X86DIFF_DECODER_SOURCES needs clang (-fsanitize=fuzzer-no-link); "
                      "CMAKE_C_COMPILER is ${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER}")
endif()

get_filename_component(_x86diff_fetch_script "${CMAKE_CURRENT_LIST_DIR}/../tools/fetch-decoder-sources"
                       ABSOLUTE)
foreach(_x86diff_decoder IN ITEMS capstone zydis)
  if(NOT EXISTS "${X86DIFF_DECODER_SOURCES}/${_x86diff_decoder}/CMakeLists.txt")
    message(FATAL_ERROR
      "X86DIFF_DECODER_SOURCES=${X86DIFF_DECODER_SOURCES} has no ${_x86diff_decoder} source tree "
      "(${X86DIFF_DECODER_SOURCES}/${_x86diff_decoder}/CMakeLists.txt is missing).\n"
      "Fetch the Debian sources of the installed decoders first:\n"
      "    ${_x86diff_fetch_script} ${X86DIFF_DECODER_SOURCES}\n"
      "or configure without -DX86DIFF_DECODER_SOURCES to link the (uninstrumented) system libraries.")
  endif()
  set(_x86diff_stamp "${X86DIFF_DECODER_SOURCES}/${_x86diff_decoder}/.x86diff-source-version")
  if(EXISTS "${_x86diff_stamp}")
    file(READ "${_x86diff_stamp}" _x86diff_version)
    string(STRIP "${_x86diff_version}" _x86diff_version)
    message(STATUS "Instrumented decoder: ${_x86diff_version} from "
                   "${X86DIFF_DECODER_SOURCES}/${_x86diff_decoder}")
    # The point is to fuzz the version the other builds link: warn when the system moved on.
    execute_process(
      COMMAND dpkg-query -W "-f=\${source:Package} \${source:Version}" lib${_x86diff_decoder}-dev
      OUTPUT_VARIABLE _x86diff_installed ERROR_QUIET RESULT_VARIABLE _x86diff_query)
    if(_x86diff_query EQUAL 0 AND NOT _x86diff_installed STREQUAL _x86diff_version)
      message(WARNING "${X86DIFF_DECODER_SOURCES}/${_x86diff_decoder} holds ${_x86diff_version} "
                      "but lib${_x86diff_decoder}-dev is ${_x86diff_installed}; re-run "
                      "${_x86diff_fetch_script} ${X86DIFF_DECODER_SOURCES}")
    endif()
  endif()
endforeach()

# The flags the rest of the project is compiled with (see the top-level CMakeLists.txt, which adds
# them after this module runs, so they are spelled out here).
set(_x86diff_decoder_flags "-fno-omit-frame-pointer")
if(X86DIFF_FUZZING)
  string(APPEND _x86diff_decoder_flags " -fsanitize=fuzzer-no-link")
endif()
if(X86DIFF_SANITIZERS)
  string(APPEND _x86diff_decoder_flags
         " -fsanitize=${X86DIFF_SANITIZERS} -fno-sanitize-recover=all")
endif()
set(_x86diff_decoder_build_type "${CMAKE_BUILD_TYPE}")
if(NOT _x86diff_decoder_build_type)
  set(_x86diff_decoder_build_type RelWithDebInfo)
endif()
set(_x86diff_decoder_common_args
  -DCMAKE_BUILD_TYPE=${_x86diff_decoder_build_type}
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  "-DCMAKE_C_FLAGS=${_x86diff_decoder_flags}"
  "-DCMAKE_CXX_FLAGS=${_x86diff_decoder_flags}"
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DBUILD_SHARED_LIBS=OFF
)
set(_x86diff_decoder_prefix "${CMAKE_BINARY_DIR}/decoders")

# Capstone 4.0.2: x86 only, static, no tests/cstool. Debian builds it with its Makefile and the
# default config.mk (full x86 instruction set, no diet, system malloc), which these options mirror.
set(_x86diff_capstone_bin "${_x86diff_decoder_prefix}/capstone/build")
set(_x86diff_capstone_archive "${_x86diff_capstone_bin}/libcapstone.a")
ExternalProject_Add(x86diff_capstone_instrumented
  PREFIX "${_x86diff_decoder_prefix}/capstone"
  SOURCE_DIR "${X86DIFF_DECODER_SOURCES}/capstone"
  BINARY_DIR "${_x86diff_capstone_bin}"
  CMAKE_ARGS
    ${_x86diff_decoder_common_args}
    -DCAPSTONE_ARCHITECTURE_DEFAULT=OFF
    -DCAPSTONE_X86_SUPPORT=ON
    -DCAPSTONE_X86_REDUCE=OFF
    -DCAPSTONE_BUILD_DIET=OFF
    -DCAPSTONE_USE_DEFAULT_ALLOC=ON
    -DCAPSTONE_BUILD_STATIC=ON
    -DCAPSTONE_BUILD_SHARED=OFF
    -DCAPSTONE_BUILD_TESTS=OFF
    -DCAPSTONE_BUILD_CSTOOL=OFF
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target capstone-static
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  BUILD_BYPRODUCTS "${_x86diff_capstone_archive}"
  LOG_CONFIGURE ON
  LOG_BUILD ON
  LOG_OUTPUT_ON_FAILURE ON
)
add_library(x86diff_capstone_instrumented_archive STATIC IMPORTED GLOBAL)
set_target_properties(x86diff_capstone_instrumented_archive PROPERTIES
  IMPORTED_LOCATION "${_x86diff_capstone_archive}")
add_dependencies(x86diff_capstone_instrumented_archive x86diff_capstone_instrumented)
# Both spellings work, as with the system package: <capstone/capstone.h> and (pkg-config's
# -I/usr/include/capstone) <capstone.h>.
target_include_directories(x86diff_capstone_lib INTERFACE
  "${X86DIFF_DECODER_SOURCES}/capstone/include"
  "${X86DIFF_DECODER_SOURCES}/capstone/include/capstone")
target_link_libraries(x86diff_capstone_lib INTERFACE x86diff_capstone_instrumented_archive)

# Zydis 4.0.0: static, against Debian's Zycore (libzycore-dev) as Debian builds it
# (ZYAN_SYSTEM_ZYCORE=ON); all decoder features on, as in Debian's build. Zycore itself stays
# uninstrumented: it is containers and strings, not decoding logic.
find_package(zycore CONFIG REQUIRED)
set(_x86diff_zydis_bin "${_x86diff_decoder_prefix}/zydis/build")
set(_x86diff_zydis_archive "${_x86diff_zydis_bin}/libZydis.a")
ExternalProject_Add(x86diff_zydis_instrumented
  PREFIX "${_x86diff_decoder_prefix}/zydis"
  SOURCE_DIR "${X86DIFF_DECODER_SOURCES}/zydis"
  BINARY_DIR "${_x86diff_zydis_bin}"
  CMAKE_ARGS
    ${_x86diff_decoder_common_args}
    -DZYAN_SYSTEM_ZYCORE=ON
    -DZYDIS_BUILD_SHARED_LIB=OFF
    -DZYDIS_BUILD_EXAMPLES=OFF
    -DZYDIS_BUILD_TOOLS=OFF
    -DZYDIS_BUILD_MAN=OFF
    -DZYDIS_BUILD_DOXYGEN=OFF
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target Zydis
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  BUILD_BYPRODUCTS "${_x86diff_zydis_archive}"
  LOG_CONFIGURE ON
  LOG_BUILD ON
  LOG_OUTPUT_ON_FAILURE ON
)
add_library(x86diff_zydis_instrumented_archive STATIC IMPORTED GLOBAL)
set_target_properties(x86diff_zydis_instrumented_archive PROPERTIES
  IMPORTED_LOCATION "${_x86diff_zydis_archive}")
add_dependencies(x86diff_zydis_instrumented_archive x86diff_zydis_instrumented)
# ZydisExportConfig.h is generated into the build directory.
target_include_directories(x86diff_zydis_lib INTERFACE
  "${X86DIFF_DECODER_SOURCES}/zydis/include"
  "${_x86diff_zydis_bin}")
target_compile_definitions(x86diff_zydis_lib INTERFACE ZYDIS_STATIC_BUILD)
target_link_libraries(x86diff_zydis_lib INTERFACE x86diff_zydis_instrumented_archive Zycore::Zycore)

unset(_x86diff_decoder)
unset(_x86diff_fetch_script)
unset(_x86diff_stamp)
unset(_x86diff_version)
unset(_x86diff_installed)
unset(_x86diff_query)
