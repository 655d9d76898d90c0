# Text overlay (issue 5): UTF-8 text drawn onto frames by the core, from GNU Unifont glyphs
# compiled into it. The glyph table is generated at build time by tools/fontgen from
# Debian's `unifont` package into the build directory; no font data is in git.
#   generated/font_builtin.c      the built-in font (charset MC_TEXT_FONT), in every build
#   web/mediacore-font-bmp.bin    every BMP glyph, the optional file core.loadFont() reads
#                                 (wasm build; the native build writes it under generated/
#                                 for the tests)
option(MC_TEXT "mediacore: the text overlay (core.drawText); OFF leaves it out entirely" ON)
if(NOT MC_TEXT)
  return()
endif()
set(MC_TEXT_FONT "default" CACHE STRING
    "mediacore: glyphs compiled into the core: default (alphabets, kana, all of GB 2312, JIS X 0208 level 1 kanji), small (alphabets, kana, GB 2312 level 1), none")
set_property(CACHE MC_TEXT_FONT PROPERTY STRINGS default small none)
set(MC_UNIFONT_HEX "/usr/share/unifont/unifont.hex" CACHE FILEPATH
    "mediacore: GNU Unifont's .hex glyphs (Debian package unifont)")
find_program(MC_NODE NAMES node nodejs DOC "mediacore: Node.js, which runs tools/fontgen")
if(NOT MC_NODE)
  message(FATAL_ERROR "mediacore: Node.js is needed to generate the font (tools/fontgen); tools/setup.sh installs it")
endif()
if(NOT EXISTS "${MC_UNIFONT_HEX}")
  message(FATAL_ERROR "mediacore: ${MC_UNIFONT_HEX} not found: install Debian's unifont package "
                      "(tools/setup.sh does) or set MC_UNIFONT_HEX")
endif()
if(NOT MC_TEXT_FONT MATCHES "^(default|small|none)$")
  message(FATAL_ERROR "mediacore: MC_TEXT_FONT must be default, small or none, not ${MC_TEXT_FONT}")
endif()

get_filename_component(mc_unifont_dir "${MC_UNIFONT_HEX}" DIRECTORY)
set(mc_fontgen_deps
  "${CMAKE_SOURCE_DIR}/tools/fontgen/fontgen.mjs"
  "${CMAKE_SOURCE_DIR}/tools/fontgen/charset.mjs"
  "${MC_UNIFONT_HEX}")
if(EXISTS "${mc_unifont_dir}/plane00-combining.txt")
  list(APPEND mc_fontgen_deps "${mc_unifont_dir}/plane00-combining.txt")
endif()

set(mc_text_gen "${CMAKE_BINARY_DIR}/generated")
add_custom_command(
  OUTPUT "${mc_text_gen}/font_builtin.c"
  COMMAND "${MC_NODE}" "${CMAKE_SOURCE_DIR}/tools/fontgen/fontgen.mjs" --hex "${MC_UNIFONT_HEX}"
          --charset "${MC_TEXT_FONT}" --out-c "${mc_text_gen}/font_builtin.c"
  DEPENDS ${mc_fontgen_deps}
  COMMENT "Generating the built-in font (${MC_TEXT_FONT}) from GNU Unifont"
  VERBATIM)

if(MC_NATIVE)
  set(mc_font_bmp "${mc_text_gen}/mediacore-font-bmp.bin")
else()
  set(mc_font_bmp "${CMAKE_SOURCE_DIR}/web/mediacore-font-bmp.bin")
endif()
add_custom_command(
  OUTPUT "${mc_font_bmp}"
  COMMAND "${MC_NODE}" "${CMAKE_SOURCE_DIR}/tools/fontgen/fontgen.mjs" --hex "${MC_UNIFONT_HEX}"
          --charset bmp --out-bin "${mc_font_bmp}"
  DEPENDS ${mc_fontgen_deps}
  COMMENT "Generating the full-BMP font file from GNU Unifont"
  VERBATIM)
add_custom_target(mc_font_bmp ALL DEPENDS "${mc_font_bmp}")

mc_core_sources(src/core/utf8.c src/core/font.c src/core/glyph_raster.c src/core/text.c
                "${mc_text_gen}/font_builtin.c")
mc_core_kernels(src/core/text_simd.c src/core/text_nosimd.c)
mc_wasm_sources(src/wasm/exports_text.c)

mc_native_test(test_text tests/native/test_text.c)
if(TARGET test_text)
  add_dependencies(test_text mc_font_bmp)
  target_compile_definitions(test_text PRIVATE
    MC_TEST_FONT_BMP="${mc_font_bmp}" MC_TEST_UNIFONT_HEX="${MC_UNIFONT_HEX}"
    MC_TEST_FONT_CHARSET="${MC_TEXT_FONT}")
endif()
mc_fuzzer(fuzz_utf8 tests/fuzz/fuzz_utf8.c SEEDS tests/fuzz/utf8)
mc_fuzzer(fuzz_text tests/fuzz/fuzz_text.c SEEDS tests/fuzz/text)
mc_fuzzer(fuzz_font tests/fuzz/fuzz_font.c SEEDS tests/fuzz/font)
