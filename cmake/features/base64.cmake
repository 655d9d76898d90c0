# Base64 (RFC 4648): standard and URL-safe alphabets, strict and forgiving decoding,
# streaming; a scalar path and a SIMD128 path with identical results.
mc_core_sources(src/core/base64.c)
mc_core_kernels(src/core/base64_simd.c src/core/base64_nosimd.c)
mc_wasm_sources(src/wasm/exports_base64.c)
mc_native_test(test_base64 tests/native/test_base64.c)
mc_fuzzer(fuzz_base64 tests/fuzz/fuzz_base64.c SEEDS tests/fuzz/base64)
