# The native build: mc_core (static library), ctest tests, libFuzzer targets, programs.
option(MC_SANITIZE "mediacore: build everything with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(MC_BUILD_TESTS "mediacore: build the native tests (ctest)" ON)
option(MC_FUZZ "mediacore: build libFuzzer targets and run each under ctest (needs clang)" ${MC_SANITIZE})
set(MC_FUZZ_SECONDS 30 CACHE STRING "mediacore: seconds each fuzzer runs under ctest")

if(MC_SANITIZE)
  set(MC_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${MC_SAN_FLAGS})
  add_link_options(${MC_SAN_FLAGS})
endif()
if(MC_FUZZ AND NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "MC_FUZZ needs clang (libFuzzer); configure with CMAKE_C_COMPILER=clang")
endif()

find_package(PkgConfig REQUIRED)

# The core library: base, media, transfer and codec (the module's C, natively). Sources
# are added by the folders' CMakeLists.txt. Its users see include/ only; src/ holds the
# folders' private headers.
add_library(mc_core STATIC)
target_include_directories(mc_core
  PUBLIC "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>" "$<INSTALL_INTERFACE:include>"
  PRIVATE "${PROJECT_SOURCE_DIR}/src")
target_compile_options(mc_core PRIVATE ${MC_WARNINGS})
target_link_libraries(mc_core PUBLIC m)
if(MC_FUZZ)
  # Coverage counters in the library itself, so the fuzzers are guided by the code under
  # test and not only by their own harness (the ASan runtime supplies the hooks elsewhere).
  target_compile_options(mc_core PRIVATE -fsanitize=fuzzer-no-link)
endif()

if(MC_BUILD_TESTS)
  enable_testing()
  # The tree keeps its shape: folder = feature, public headers stand alone, short files.
  find_program(MC_NODE NAMES node nodejs DOC "mediacore: Node.js (tools/check-layout.mjs, tools/fontgen)")
  add_test(NAME layout COMMAND "${MC_NODE}" "${PROJECT_SOURCE_DIR}/tools/check-layout.mjs")
  # What `cmake --install` gives a C user builds and runs on its own (tests/install/).
  add_test(NAME test_install COMMAND "${PROJECT_SOURCE_DIR}/tests/install/test_install.sh"
           "${CMAKE_BINARY_DIR}" "${CMAKE_C_COMPILER}" ${MC_SAN_FLAGS})
endif()

function(mc_core_sources)
  target_sources(mc_core PRIVATE ${ARGN})
endfunction()

# Natively the SIMD kernels are compiled through src/base/simd128.h's portable vector
# extensions, so tests and fuzzers exercise the same kernel code the module runs.
function(mc_core_depends)
  add_dependencies(mc_core ${ARGN})
endfunction()

function(mc_core_kernels simd plain)
  target_sources(mc_core PRIVATE ${simd})
endfunction()

function(mc_core_definitions)
  target_compile_definitions(mc_core PRIVATE ${ARGN})
endfunction()

function(mc_wasm_sources)
endfunction()

function(mc_wasm_libraries)
endfunction()

function(mc_native_libraries)
  target_link_libraries(mc_core PUBLIC ${ARGN})
endfunction()

# mc_native_test(<name> <sources>... [LIBS <target>...]): tests may include any folder's
# private headers ("media/text_kernels.h"), since they test them.
function(mc_native_test name)
  cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
  if(NOT MC_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${T_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${T_LIBS} mc_core)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/src" "${MC_TESTS}/native")
  target_compile_options(${name} PRIVATE ${MC_WARNINGS})
  add_test(NAME ${name} COMMAND ${name})
endfunction()

# mc_fuzzer(<name> <sources>... [SEEDS <dir>] [LIBS <target>...]): a libFuzzer target that ctest runs for
# MC_FUZZ_SECONDS from the seed corpus (copied to a scratch corpus so runs don't grow the
# checked-in one).
function(mc_fuzzer name)
  cmake_parse_arguments(F "" "SEEDS" "LIBS" ${ARGN})
  if(NOT MC_FUZZ OR NOT MC_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${F_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${F_LIBS} mc_core)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/src")
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(corpus "${CMAKE_BINARY_DIR}/fuzz-corpus/${name}")
  file(MAKE_DIRECTORY "${corpus}")
  set(seeds "")
  if(F_SEEDS)
    set(seeds "${PROJECT_SOURCE_DIR}/${F_SEEDS}")
  endif()
  add_test(NAME ${name}
    COMMAND ${name} -max_total_time=${MC_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
            -print_final_stats=1 "${corpus}" ${seeds})
  set_tests_properties(${name} PROPERTIES TIMEOUT 600 LABELS fuzz)
endfunction()
