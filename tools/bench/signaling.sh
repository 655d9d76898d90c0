#!/usr/bin/env bash
# tools/bench/signaling.sh: mediacore-server against the book's Node server
# (tools/bench/book-server.mjs), side by side in one run, driven by mediacore-loadgen.
#   tools/bench/signaling.sh              3 rounds of every scenario (see signaling.mjs)
#   RUNS=5 tools/bench/signaling.sh       more rounds
#   tools/bench/signaling.sh --quick      1 round, shorter windows (a smoke test)
# Prints a Markdown table of medians and ratios for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# 10,000 connections need 10,000 descriptors in the server and as many in the load
# generator (two processes): raise the soft limit to the hard one, and the hard one too
# when we may.
want=65536
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$want" ]; then
    ulimit -Hn "$want" 2>/dev/null || true
fi
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
    echo "signaling.sh: open-file limit $(ulimit -n) is below 10,100: the 10,000-connection runs will fail" >&2
fi
[ -x build/native/mediacore-server ] && [ -x build/native/mediacore-loadgen ] || tools/build.sh native
exec node tools/bench/signaling.mjs "$@"
