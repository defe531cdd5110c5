# Hardening builds (docs/hardening.md): sanitizers for the whole build, and the libFuzzer targets
# in fuzz/. Each goes into a build directory of its own (scripts/sanitize.sh, scripts/fuzz.sh).
#   -DMGATE_SANITIZE=address,undefined   AddressSanitizer and UndefinedBehaviorSanitizer
#   -DMGATE_SANITIZE=thread              ThreadSanitizer
#   -DMGATE_FUZZ=ON                      the fuzz targets (clang; with MGATE_SANITIZE=address,undefined)
set(MGATE_SANITIZE "" CACHE STRING "Sanitizers to build everything with: address,undefined or thread")
option(MGATE_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

if(MGATE_SANITIZE)
  # Any report stops the process: a test cannot pass over one.
  add_compile_options(-fsanitize=${MGATE_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${MGATE_SANITIZE})
endif()

if(MGATE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MGATE_FUZZ needs clang's libFuzzer: configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 (scripts/fuzz.sh does)")
  endif()
  # Coverage feedback for everything the targets reach; the targets link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_subdirectory(${CMAKE_SOURCE_DIR}/fuzz ${CMAKE_BINARY_DIR}/fuzz)
endif()
