# Signaling (issue 3): the protocol engine, the session registry and user name keys
# (src/core/mc_signal.*, registry.*, username.*), the STUN Binding responder
# (src/core/stun.*), per-source token buckets (src/core/rate_table.*), their tests and
# fuzzers, and the native programs built on them: the server (src/server) and the load
# generator (tools/loadgen). Native only: the browser talks to the server, it does not run it.
if(MC_NATIVE)
  pkg_check_modules(MC_CJSON REQUIRED IMPORTED_TARGET libcjson)
  pkg_check_modules(MC_LWS REQUIRED IMPORTED_TARGET libwebsockets)

  # GNU libunistring: the Unicode tables, normalization and case mapping behind user name
  # keys (src/core/username.h). Debian's libunistring-dev has no pkg-config file.
  find_library(MC_UNISTRING_LIBRARY unistring REQUIRED)
  find_path(MC_UNISTRING_INCLUDE uninorm.h REQUIRED)

  mc_core_sources(src/core/registry.c src/core/username.c src/core/mc_signal.c src/core/stun.c
    src/core/rate_table.c)
  mc_native_libraries(PkgConfig::MC_CJSON ${MC_UNISTRING_LIBRARY})
  target_include_directories(mc_core PUBLIC ${MC_UNISTRING_INCLUDE})

  mc_native_test(test_signal tests/native/test_signal.c)
  mc_native_test(test_stun tests/native/test_stun.c)
  mc_native_test(test_rate_table tests/native/test_rate_table.c)
  mc_fuzzer(fuzz_signal tests/fuzz/fuzz_signal.c SEEDS tests/fuzz/fuzz_signal)
  mc_fuzzer(fuzz_stun tests/fuzz/fuzz_stun.c SEEDS tests/fuzz/fuzz_stun)

  # The server: one binary, one port for HTTP (web/) and WebSocket signaling, plus STUN/UDP.
  add_executable(mediacore-server
    src/server/main.c src/server/options.c src/server/ws.c src/server/http.c
    src/server/stun_udp.c src/server/metrics.c src/server/log.c
    src/server/listener.c src/server/addr_count.c)
  # libev: the epoll event loop libwebsockets drives through its evlib_ev plugin (both come
  # with Debian's libwebsockets-dev).
  find_library(MC_LIBEV ev REQUIRED)
  find_path(MC_LIBEV_INCLUDE ev.h REQUIRED)
  target_include_directories(mediacore-server PRIVATE ${MC_LIBEV_INCLUDE})
  target_link_libraries(mediacore-server PRIVATE mc_core PkgConfig::MC_LWS ${MC_LIBEV})
  target_compile_options(mediacore-server PRIVATE ${MC_WARNINGS})

  # The load generator for tools/bench/signaling.sh: a small epoll WebSocket client.
  add_executable(mediacore-loadgen tools/loadgen/loadgen.c)
  target_compile_options(mediacore-loadgen PRIVATE ${MC_WARNINGS})
endif()
