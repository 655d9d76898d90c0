#!/usr/bin/env bash
# tools/build.sh [native|native-asan|wasm]...: configure and build the given presets
# (default: wasm and native). The wasm build cross-builds the third-party libraries on
# first use (tools/deps.sh, cached outside git) and copies the modules into web/.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emscripten's JS optimizer needs it

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(wasm native)
for preset in "${presets[@]}"; do
    case "$preset" in
    wasm)
        prefix=$(tools/deps.sh | tail -n 1)
        emcmake cmake --preset wasm -DMC_DEPS_PREFIX="$prefix" >/dev/null
        ;;
    native|native-asan)
        cmake --preset "$preset" >/dev/null
        ;;
    *) echo "build.sh: unknown preset $preset (native, native-asan, wasm)" >&2; exit 2 ;;
    esac
    cmake --build --preset "$preset"
done
