# File transfer: chunking, framing (CRC-32C), reassembly, whole-file SHA-256 (libsodium),
# JSON control messages (cJSON), resume, and the book's stream.
mc_core_sources(src/core/digest.c src/core/chunk_crc32c.c src/core/chunk_wire.c
                src/core/chunk_sender.c src/core/chunk_receiver.c)
mc_wasm_sources(src/wasm/exports_chunk.c)
mc_wasm_libraries(sodium cjson)
if(MC_NATIVE)
  pkg_check_modules(MC_CHUNK_SODIUM REQUIRED IMPORTED_TARGET libsodium)
  pkg_check_modules(MC_CHUNK_CJSON REQUIRED IMPORTED_TARGET libcjson)
  mc_native_libraries(PkgConfig::MC_CHUNK_SODIUM PkgConfig::MC_CHUNK_CJSON)
endif()
mc_native_test(test_chunk tests/native/test_chunk.c)
mc_fuzzer(fuzz_chunk tests/fuzz/fuzz_chunk.c SEEDS tests/fuzz/chunk)
