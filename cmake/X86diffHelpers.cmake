# Small helpers so that every folder declares its targets the same way
# (in the spirit of abseil's AbseilHelpers.cmake).

# x86diff_library(NAME <name> SRCS ... [HDRS ...] [DEPS ...])
# Creates static library x86diff_<name> with alias x86diff::<name>.
function(x86diff_library)
  cmake_parse_arguments(X "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  add_library(x86diff_${X_NAME} STATIC ${X_SRCS} ${X_HDRS})
  add_library(x86diff::${X_NAME} ALIAS x86diff_${X_NAME})
  target_include_directories(x86diff_${X_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(x86diff_${X_NAME} PUBLIC ${X_DEPS})
  target_compile_options(x86diff_${X_NAME} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# x86diff_test(NAME <name> SRCS ... [DEPS ...] [LABELS ...])
# A GoogleTest binary registered with CTest (one CTest entry per binary keeps ctest fast).
function(x86diff_test)
  cmake_parse_arguments(X "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${X_NAME} ${X_SRCS})
  target_link_libraries(${X_NAME} PRIVATE ${X_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${X_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${X_NAME} PRIVATE X86DIFF_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_test(NAME ${X_NAME} COMMAND ${X_NAME} --gtest_brief=1)
  if(X_LABELS)
    set_tests_properties(${X_NAME} PROPERTIES LABELS "${X_LABELS}")
  endif()
endfunction()

# How fuzz targets get their engine (main + mutation loop). Empty: -fsanitize=fuzzer (libFuzzer
# from clang). OSS-Fuzz and ClusterFuzzLite pass $LIB_FUZZING_ENGINE here (fuzz/oss-fuzz/build.sh):
# a linker flag such as -fsanitize=fuzzer or the path of an engine archive (AFL++, honggfuzz).
set(X86DIFF_LIB_FUZZING_ENGINE "" CACHE STRING
    "Linker flags or archive that provide the fuzzing engine of x86diff_fuzzer() targets \
(OSS-Fuzz's $LIB_FUZZING_ENGINE); empty means -fsanitize=fuzzer")

# x86diff_fuzzer(NAME <name> SRCS ... [DEPS ...] [CORPUS dir])
# With X86DIFF_FUZZING (or X86DIFF_LIBFUZZER_BINARIES): a libFuzzer binary. Always: <name>_replay, the same body behind a plain main
# that replays a corpus, registered as a CTest regression test when CORPUS is given.
function(x86diff_fuzzer)
  cmake_parse_arguments(X "" "NAME;CORPUS" "SRCS;DEPS" ${ARGN})
  if(X86DIFF_FUZZING OR X86DIFF_LIBFUZZER_BINARIES)
    add_executable(${X_NAME} ${X_SRCS})
    target_link_libraries(${X_NAME} PRIVATE ${X_DEPS})
    if(X86DIFF_LIB_FUZZING_ENGINE)
      # Items starting with "-" are linker flags to target_link_libraries, others are archives.
      separate_arguments(_x86diff_engine UNIX_COMMAND "${X86DIFF_LIB_FUZZING_ENGINE}")
      target_link_libraries(${X_NAME} PRIVATE ${_x86diff_engine})
    else()
      target_link_options(${X_NAME} PRIVATE -fsanitize=fuzzer)
    endif()
    target_include_directories(${X_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
    if(NOT X86DIFF_FUZZING)
      # Only the target's own files see coverage instrumentation: enough for campaign plumbing
      # and quick runs; the fuzz preset instruments everything.
      target_compile_options(${X_NAME} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
  endif()
  add_executable(${X_NAME}_replay ${X_SRCS} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  target_link_libraries(${X_NAME}_replay PRIVATE ${X_DEPS})
  target_include_directories(${X_NAME}_replay PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${X_NAME}_replay PRIVATE X86DIFF_FUZZ_REPLAY=1)
  if(X86DIFF_BUILD_TESTS AND X_CORPUS)
    add_test(NAME ${X_NAME}_corpus_replay COMMAND ${X_NAME}_replay ${X_CORPUS})
    set_tests_properties(${X_NAME}_corpus_replay PROPERTIES LABELS "fuzz")
  endif()
endfunction()
