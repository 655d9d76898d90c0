# Errors and frames: the ground every other feature stands on.
mc_core_sources(src/core/mc_error.c src/core/frame.c)
mc_core_kernels(src/core/frame_simd.c src/core/frame_nosimd.c)
mc_wasm_sources(src/wasm/exports_core.c src/wasm/exports_frame.c)
mc_native_test(test_frame tests/native/test_frame.c)
