#!/usr/bin/env bash
# tools/bench/codecs-native.sh: build the two native builds tools/bench/codecs.mjs compares
# the modules with, and print their paths (one per line: Debian's libraries, plain C).
#   codecs-native-debian  mediacore's video.c/audio.c + Debian's libvpx, libopus, libyuv
#                         (libvpx's x86 SIMD assembly, run-time CPU detection): the ceiling
#   codecs-native-c       the same C + libvpx 1.12 built natively as the portable C target,
#                         the C the baseline module runs, compiled for x86-64
# libvpx's source comes from the pinned source package tools/deps.sh downloaded; the plain
# build is cached (about a minute on 2 cores the first time).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cache="${MEDIACORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mediacore}"
out="$cache/bench"
mkdir -p "$out"
srcs="tools/bench/codecs_native.c src/codec/video.c src/codec/audio.c src/media/frame.c src/media/frame_simd.c src/base/mc_error.c"

# shellcheck disable=SC2086
clang -std=gnu11 -O3 -Iinclude -Isrc $(pkg-config --cflags opus) $srcs -lvpx -lopus -lyuv -lm -o "$out/codecs-native-debian"

dsc=$(awk '$1 == "libvpx" && $3 ~ /\.dsc$/ { print $3 }' tools/deps.lock)
vpx="$out/libvpx-c-$(basename "$dsc" .dsc)"
if [ ! -f "$vpx/build/libvpx.a" ]; then
    [ -f "$cache/sources/$dsc" ] || { echo "codecs-native.sh: $cache/sources/$dsc missing: run tools/deps.sh" >&2; exit 1; }
    rm -rf "$vpx"
    mkdir -p "$vpx/build"
    dpkg-source --no-copy -x "$cache/sources/$dsc" "$vpx/src" >/dev/null 2>&1
    (cd "$vpx/build" && CC=clang ../src/configure --target=generic-gnu --disable-examples --disable-tools \
        --disable-docs --disable-unit-tests --disable-multithread --disable-runtime-cpu-detect \
        --enable-vp8 --enable-vp9 --enable-static --disable-shared --extra-cflags="-O3" >/dev/null &&
        make -j 2 >/dev/null 2>&1) || { echo "codecs-native.sh: building plain-C libvpx failed" >&2; exit 1; }
fi
# shellcheck disable=SC2086
clang -std=gnu11 -O3 -Iinclude -Isrc -I"$vpx/src" $(pkg-config --cflags opus) $srcs "$vpx/build/libvpx.a" -lopus -lyuv -lm \
    -o "$out/codecs-native-c"
echo "$out/codecs-native-debian"
echo "$out/codecs-native-c"
