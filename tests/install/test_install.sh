#!/bin/sh
# test_install.sh BUILD_DIR CC [FLAGS...]: install mc_core from BUILD_DIR into a scratch
# prefix (cmake --install), then build tests/install/consumer.c against that prefix only,
# through its pkg-config file, with warnings as errors, and run it. FLAGS are the build's
# sanitizer flags, which a static library compiled with them needs at link time.
set -eu
build=$1 cc=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test ! -e "$prefix/include/mediacore/simd128.h"         # private headers stay private
ls "$prefix/include/mediacore"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror "$@" "$here/consumer.c" -o "$prefix/consumer" \
    $(pkg-config --cflags --libs --static mediacore)
"$prefix/consumer"
