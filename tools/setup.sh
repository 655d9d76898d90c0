#!/usr/bin/env bash
# tools/setup.sh: install everything mediacore builds and tests with, from Debian's archive
# and the npm registry only. Safe to run again: it installs only what is missing.
# Runs as root, or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else
    command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
    SUDO="sudo"
fi

# Build: the Emscripten toolchain, a native C toolchain, and the -dev packages native
# builds link. Test: Chromium for browser tests, ffmpeg/opus-tools/coturn as independent
# judges, clang's sanitizer and libFuzzer runtimes. Deps: dpkg-dev and autotools unpack and
# configure the Debian source packages tools/deps.sh cross-builds.
packages=(
    emscripten cmake ninja-build build-essential clang pkg-config
    libclang-rt-14-dev dpkg-dev autoconf automake libtool
    libcjson-dev libyuv-dev libvpx-dev libopus-dev libsodium-dev libwebsockets-dev
    libunistring-dev
    chromium ffmpeg opus-tools coturn unifont ca-certificates
)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

# tools/deps.sh fetches pinned source packages with `apt-get source`: it needs deb-src.
srclist=/etc/apt/sources.list.d/mediacore-deb-src.sources
need_update=0
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    $SUDO tee "$srclist" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    need_update=1
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ $need_update -eq 1 ]; then
    echo "setup.sh: installing ${missing[*]:-(package lists only)}"
    $SUDO apt-get update -qq
    [ ${#missing[@]} -eq 0 ] ||
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node test dependencies, exactly as pinned in package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
echo "setup.sh: ready"
