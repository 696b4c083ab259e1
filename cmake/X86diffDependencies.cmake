# Every third-party library comes from Debian packages (tools/setup installs them).
# The decoders are reached through two interface targets so that the fuzzing build can swap in
# coverage-instrumented copies built from Debian's source packages (see cmake/X86diffInstrumentedDecoders.cmake).
find_package(absl REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(PkgConfig REQUIRED)
if(X86DIFF_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(X86DIFF_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

add_library(x86diff_capstone_lib INTERFACE)
add_library(x86diff::capstone_lib ALIAS x86diff_capstone_lib)
add_library(x86diff_zydis_lib INTERFACE)
add_library(x86diff::zydis_lib ALIAS x86diff_zydis_lib)

if(X86DIFF_DECODER_SOURCES)
  include(X86diffInstrumentedDecoders)
else()
  pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone>=4)
  find_package(Zydis 4 REQUIRED)
  target_link_libraries(x86diff_capstone_lib INTERFACE PkgConfig::CAPSTONE)
  target_link_libraries(x86diff_zydis_lib INTERFACE Zydis::Zydis)
endif()
