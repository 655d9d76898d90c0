# The WebAssembly build: two modules from the same sources, copied into web/ beside the shim.
#   web/mediacore-simd.wasm   compiled with -msimd128 (hand-written SIMD128 kernels)
#   web/mediacore.wasm        baseline: no SIMD instructions, for browsers without SIMD
# web/mediacore.js picks one at run time by feature detection. A third, for tests only,
# stays in the build directory (MC_WASM_TEST_MODULES):
#   build/wasm/mediacore-novp9.wasm   baseline without VP9 (video.c with MC_VP9=0), so the
#                                     Node tests see the shim report what a module lacks

# The Emscripten version is pinned in emsdk-version; stop early and clearly on any other.
file(STRINGS "${CMAKE_SOURCE_DIR}/emsdk-version" MC_EMSDK_WANT LIMIT_COUNT 1)
string(STRIP "${MC_EMSDK_WANT}" MC_EMSDK_WANT)
execute_process(COMMAND "${CMAKE_C_COMPILER}" --version OUTPUT_VARIABLE MC_EMCC_VERSION_TEXT)
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" MC_EMCC_VERSION "${MC_EMCC_VERSION_TEXT}")
if(NOT MC_EMCC_VERSION STREQUAL MC_EMSDK_WANT)
  message(FATAL_ERROR
    "mediacore expects Emscripten ${MC_EMSDK_WANT} (emsdk-version) but ${CMAKE_C_COMPILER} "
    "is ${MC_EMCC_VERSION}. Install Debian bookworm's emscripten package "
    "(sudo apt-get install emscripten, version ${MC_EMSDK_WANT}) or put emcc ${MC_EMSDK_WANT} "
    "first on PATH; tools/setup.sh does the former.")
endif()

# Third-party static libraries, cross-built by tools/deps.sh into a cache outside git.
set(MC_DEPS_PREFIX "" CACHE PATH "mediacore: prefix of the cross-built dependencies (default: run tools/deps.sh)")
if(NOT MC_DEPS_PREFIX)
  execute_process(COMMAND "${CMAKE_SOURCE_DIR}/tools/deps.sh"
                  OUTPUT_VARIABLE MC_DEPS_OUT RESULT_VARIABLE MC_DEPS_RC)
  if(NOT MC_DEPS_RC EQUAL 0)
    message(FATAL_ERROR "tools/deps.sh failed (exit ${MC_DEPS_RC}); see its messages above")
  endif()
  string(REGEX MATCH "[^\n]+\n?$" MC_DEPS_LAST "${MC_DEPS_OUT}")
  string(STRIP "${MC_DEPS_LAST}" MC_DEPS_LAST)
  set(MC_DEPS_PREFIX "${MC_DEPS_LAST}" CACHE PATH "" FORCE)
endif()
message(STATUS "mediacore: dependencies from ${MC_DEPS_PREFIX}")

set(MC_WASM_LINK_FLAGS
  # A plain .wasm without Emscripten's JS loader: web/mediacore.js instantiates it the same
  # way in a page, a module Worker and Node, and supplies the few imports itself.
  -sSTANDALONE_WASM
  # A library, not a program: no main().
  --no-entry
  # Frames and files of any size; the shim re-creates its views after memory grows.
  -sALLOW_MEMORY_GROWTH=1
  # No emulated file system: the core works on memory only.
  -sFILESYSTEM=0
  # Any unresolved symbol is a link error, never a runtime surprise.
  -sERROR_ON_UNDEFINED_SYMBOLS=1
)

option(MC_WASM_TEST_MODULES "mediacore: also build build/wasm/mediacore-novp9.wasm (VP8 only) for the Node tests" ON)

# The modules. Sources are added by the folders' CMakeLists.txt.
set(MC_MODULES mediacore_simd mediacore_base)
if(MC_WASM_TEST_MODULES)
  list(APPEND MC_MODULES mediacore_novp9)
endif()
foreach(target IN LISTS MC_MODULES)
  if(target STREQUAL "mediacore_simd")
    set(flavor simd)
    set(output mediacore-simd)
    set(arch -msimd128)
  elseif(target STREQUAL "mediacore_novp9")
    set(flavor base)
    set(output mediacore-novp9)
    set(arch "")
  else()
    set(flavor base)
    set(output mediacore)
    set(arch "")
  endif()
  add_executable(${target})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME "${output}" SUFFIX ".wasm"
                        MC_FLAVOR ${flavor})
  target_include_directories(${target} PRIVATE "${PROJECT_SOURCE_DIR}/include" "${PROJECT_SOURCE_DIR}/src")
  # Third-party headers: their warnings are not ours to fix.
  target_include_directories(${target} SYSTEM PRIVATE "${MC_DEPS_PREFIX}/${flavor}/include")
  target_compile_options(${target} PRIVATE ${arch} ${MC_WARNINGS})
  target_link_options(${target} PRIVATE ${arch} -O3 ${MC_WASM_LINK_FLAGS})
  target_link_directories(${target} PRIVATE "${MC_DEPS_PREFIX}/${flavor}/lib")
  if(target STREQUAL "mediacore_novp9")
    target_compile_definitions(${target} PRIVATE MC_VP9=0)
  else()
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E copy "$<TARGET_FILE:${target}>" "${CMAKE_SOURCE_DIR}/web/${output}.wasm"
      COMMENT "Copying ${output}.wasm into web/")
  endif()
endforeach()
define_property(TARGET PROPERTY MC_FLAVOR BRIEF_DOCS "simd or base" FULL_DOCS "dependency flavor")

function(mc_core_sources)
  foreach(target IN LISTS MC_MODULES)
    target_sources(${target} PRIVATE ${ARGN})
  endforeach()
endfunction()

function(mc_core_depends)
  foreach(target IN LISTS MC_MODULES)
    add_dependencies(${target} ${ARGN})
  endforeach()
endfunction()

function(mc_core_kernels simd plain)
  foreach(target IN LISTS MC_MODULES)
    get_target_property(flavor ${target} MC_FLAVOR)
    if(flavor STREQUAL "simd")
      target_sources(${target} PRIVATE ${simd})
    else()
      target_sources(${target} PRIVATE ${plain})
    endif()
  endforeach()
endfunction()

function(mc_core_definitions)
  foreach(target IN LISTS MC_MODULES)
    target_compile_definitions(${target} PRIVATE ${ARGN})
  endforeach()
endfunction()

function(mc_wasm_sources)
  foreach(target IN LISTS MC_MODULES)
    target_sources(${target} PRIVATE ${ARGN})
  endforeach()
  # Exported entry points are reached from JavaScript, not from a C header.
  set_source_files_properties(${ARGN} TARGET_DIRECTORY ${MC_MODULES}
                              PROPERTIES COMPILE_OPTIONS -Wno-missing-prototypes)
endfunction()

function(mc_wasm_libraries)
  foreach(target IN LISTS MC_MODULES)
    target_link_libraries(${target} PRIVATE ${ARGN})
  endforeach()
endfunction()

function(mc_native_libraries)
endfunction()

function(mc_native_test name)
endfunction()

function(mc_fuzzer name)
endfunction()
