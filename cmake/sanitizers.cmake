# Sanitizer builds (docs/fuzzing.md): -DJSM_SANITIZE=address,undefined or -DJSM_SANITIZE=thread
# instruments every target of the project with clang. With AddressSanitizer the libraries are
# also built with -fsanitize=fuzzer-no-link (coverage for libFuzzer) and JSM_FUZZ (default on)
# adds the libFuzzer targets of tests/fuzz/.
set(JSM_SANITIZE "" CACHE STRING "Sanitizers for every target (clang): address,undefined or thread; empty for none")

# clang 16 implements what libstdc++'s <expected> needs but still reports __cpp_concepts 201907,
# which hides std::expected: announce the C++20 value when <expected> is otherwise unusable.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-std=c++2b")
  check_cxx_source_compiles("#include <expected>\nint main() { std::expected<int, int> e(1); return *e - 1; }"
                            JSM_STD_EXPECTED_WORKS)
  if(NOT JSM_STD_EXPECTED_WORKS)
    set(CMAKE_REQUIRED_FLAGS "-std=c++2b -Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L")
    check_cxx_source_compiles("#include <expected>\nint main() { std::expected<int, int> e(1); return *e - 1; }"
                              JSM_STD_EXPECTED_WITH_CONCEPTS_DEFINE)
    if(NOT JSM_STD_EXPECTED_WITH_CONCEPTS_DEFINE)
      message(FATAL_ERROR "${CMAKE_CXX_COMPILER} cannot compile std::expected with this standard library")
    endif()
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-builtin-macro-redefined> $<$<COMPILE_LANGUAGE:CXX>:-U__cpp_concepts>
                        $<$<COMPILE_LANGUAGE:CXX>:-D__cpp_concepts=202002L>)
  endif()
  unset(CMAKE_REQUIRED_FLAGS)
endif()

set(JSM_SANITIZE_ADDRESS OFF)
if(JSM_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "JSM_SANITIZE needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++-16), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  string(REPLACE "," ";" jsm_sanitizers "${JSM_SANITIZE}")
  if("thread" IN_LIST jsm_sanitizers AND "address" IN_LIST jsm_sanitizers)
    message(FATAL_ERROR "JSM_SANITIZE: thread and address cannot be combined; use two build folders")
  endif()
  # -O1 (whatever the build type): the speed/report trade-off the sanitizer manuals recommend;
  # line tables are all that symbolized reports need, and compile faster than full debug info.
  add_compile_options(-O1 -gline-tables-only -fsanitize=${JSM_SANITIZE} -fno-omit-frame-pointer
                      -fno-optimize-sibling-calls)
  add_link_options(-fsanitize=${JSM_SANITIZE})
  if("undefined" IN_LIST jsm_sanitizers)
    # Undefined behaviour fails the program instead of printing and going on.
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  if("address" IN_LIST jsm_sanitizers)
    set(JSM_SANITIZE_ADDRESS ON)
  endif()
  message(STATUS "Sanitizers: ${JSM_SANITIZE}")
endif()

include(CMakeDependentOption)
cmake_dependent_option(JSM_FUZZ "Build the libFuzzer targets of tests/fuzz/ (AddressSanitizer builds only)" ON
                       "JSM_SANITIZE_ADDRESS" OFF)
if(JSM_FUZZ)
  # Coverage instrumentation of every library for libFuzzer; the fuzz targets alone link libFuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Runtime options of the sanitizers for the tests (the Makefile exports the same for ctest).
set(JSM_ASAN_OPTIONS "detect_leaks=1:abort_on_error=1" CACHE STRING "ASAN_OPTIONS of the sanitizer tests")
set(JSM_UBSAN_OPTIONS "print_stacktrace=1:halt_on_error=1" CACHE STRING "UBSAN_OPTIONS of the sanitizer tests")

# Precompiled headers for the sanitizer builds (JSM_PCH): most of a translation unit's compile time
# is spent parsing spdlog, fmt and the standard library, which clang can do once per target.
cmake_dependent_option(JSM_PCH "Precompile the common headers in the sanitizer builds" ON "JSM_SANITIZE" OFF)
set(JSM_PCH_HEADERS <algorithm> <atomic> <chrono> <cmath> <cstdint> <expected> <filesystem> <functional> <map>
    <memory> <mutex> <optional> <set> <sstream> <string> <string_view> <unordered_map> <variant> <vector>
    <fmt/format.h> <spdlog/spdlog.h>)

# Called at the end of the top-level CMakeLists.txt for every library and executable of DIRS:
# the precompiled headers (the test binaries also GoogleTest's) and, in a ThreadSanitizer build,
# tests/sanitizers/tsan_c11_threads.cc in every executable (librdkafka's C11 threads, see there).
function(jsm_sanitizer_targets)
  if(NOT JSM_SANITIZE)
    return()
  endif()
  foreach(dir ${ARGN})
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target ${targets})
      get_target_property(type ${target} TYPE)
      if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "EXECUTABLE")
        continue()
      endif()
      if(JSM_PCH)
        target_precompile_headers(${target} PRIVATE ${JSM_PCH_HEADERS})
        if(target MATCHES "_tests$")
          target_precompile_headers(${target} PRIVATE <gtest/gtest.h> <gmock/gmock.h>)
        endif()
      endif()
      if(type STREQUAL "EXECUTABLE" AND "thread" IN_LIST jsm_sanitizers)
        target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests/sanitizers/tsan_c11_threads.cc)
        set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/sanitizers/tsan_c11_threads.cc TARGET_DIRECTORY ${target}
                                    PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
      endif()
    endforeach()
  endforeach()
endfunction()
