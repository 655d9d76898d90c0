# Codecs (issue 6): VP8/VP9 through libvpx with RGBA<->I420 conversion and scaling through
# libyuv, Opus through libopus, and WebM muxing/demuxing in our own C (src/core/webm.c; see
# README "Codecs" for why not libwebm).
mc_core_sources(src/core/video.c src/core/audio.c src/core/webm.c)
mc_wasm_sources(src/wasm/exports_video.c src/wasm/exports_audio.c src/wasm/exports_webm.c)
# Cross-built by tools/deps.sh (libvpx's SIMD flavour with WebAssembly SIMD128 kernels:
# tools/deps/libvpx-wasm/).
mc_wasm_libraries(vpx opus yuv)

if(MC_NATIVE)
  # Debian's libvpx-dev and libopus-dev have pkg-config files; libyuv-dev has none.
  pkg_check_modules(MC_VPX REQUIRED IMPORTED_TARGET vpx)
  pkg_check_modules(MC_OPUS REQUIRED IMPORTED_TARGET opus)
  find_library(MC_YUV_LIBRARY yuv REQUIRED)
  find_path(MC_YUV_INCLUDE libyuv/convert.h REQUIRED)
  mc_native_libraries(PkgConfig::MC_VPX PkgConfig::MC_OPUS ${MC_YUV_LIBRARY})
  target_include_directories(mc_core PUBLIC ${MC_YUV_INCLUDE})
endif()

mc_native_test(test_video tests/native/test_video.c)
mc_native_test(test_audio tests/native/test_audio.c)
mc_native_test(test_webm tests/native/test_webm.c)
mc_fuzzer(fuzz_webm tests/fuzz/fuzz_webm.c SEEDS tests/fuzz/webm)
