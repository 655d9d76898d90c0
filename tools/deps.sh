#!/usr/bin/env bash
# tools/deps.sh: fetch the pinned Debian source packages listed in tools/deps.lock,
# verify their SHA-256 sums, and cross-build static libraries with Emscripten.
#
#   tools/deps.sh            build (or reuse) the cache, print its prefix on the last line
#   tools/deps.sh --prefix   print the prefix the current lock file maps to, build nothing
#
# Output layout (nothing of it is in git):
#   $MEDIACORE_CACHE/deps/<key>/<flavor>/{include,lib}     flavor: simd (-msimd128) or base
# where <key> hashes deps.lock, the build recipe (deps-build.sh and the files it uses in
# tools/deps/) and the emcc version, so a change to any of them builds a fresh tree and an
# unchanged one is reused as it is.
# Concurrent runs wait for each other (flock) instead of building twice.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lock="$here/deps.lock"
cache="${MEDIACORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mediacore}"
jobs=$(nproc 2>/dev/null || echo 2)
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emscripten's JS optimizer needs Debian's node modules

die() { echo "deps.sh: $*" >&2; exit 1; }

command -v emcc >/dev/null || die "emcc not found: run tools/setup.sh (installs Debian's emscripten)"
emver=$(emcc --version 2>/dev/null | sed -n 1p)
key=$( { cat "$lock" "$here/deps-build.sh"; find "$here/deps" -type f | LC_ALL=C sort | xargs cat;
        echo "$emver"; } | sha256sum | cut -c1-16)
prefix="$cache/deps/$key"

if [ "${1:-}" = "--prefix" ]; then echo "$prefix"; exit 0; fi
mkdir -p "$cache"
exec 9>"$cache/deps.lock"
flock 9
if [ -f "$prefix/.complete" ]; then
    echo "deps.sh: reusing $prefix" >&2
    echo "$prefix"; exit 0
fi

# --- fetch and verify ----------------------------------------------------------------
srcdir="$cache/sources"
mkdir -p "$srcdir"
chmod 755 "$srcdir" 2>/dev/null || true   # apt's download user must be able to write here
cd "$srcdir"

pkgs=$(awk '!/^#/ && NF { print $1 "=" $2 }' "$lock" | sort -u)
missing=""
while read -r pkg ver file sum; do
    case "$pkg" in ''|\#*) continue ;; esac
    [ -f "$file" ] && echo "$sum  $file" | sha256sum -c --quiet - 2>/dev/null && continue
    rm -f "$file"; missing="$missing $pkg=$ver"
done < "$lock"
if [ -n "$missing" ]; then
    grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ ||
        die "no deb-src entry in /etc/apt: run tools/setup.sh, which adds one for bookworm"
    # shellcheck disable=SC2086
    apt-get source --download-only $(echo "$missing" | tr ' ' '\n' | sort -u) >&2 ||
        die "apt-get source failed for:$missing (is the Debian archive reachable? has the pinned version left it?)"
fi
while read -r pkg ver file sum; do
    case "$pkg" in ''|\#*) continue ;; esac
    echo "$sum  $file" | sha256sum -c --quiet - >&2 ||
        die "SHA-256 mismatch for $file: expected $sum. Refusing to build from it."
done < "$lock"

# Unpack with Debian's patches applied (the security fixes live there).
work="$cache/build.$$"
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
unpack() { # package -> directory name
    local dsc
    dsc=$(awk -v p="$1" '$1 == p && $3 ~ /\.dsc$/ { print $3 }' "$lock")
    dpkg-source --no-copy -x "$srcdir/$dsc" "$work/$1" >/dev/null 2>&1 ||
        dpkg-source --no-copy --skip-patches -x "$srcdir/$dsc" "$work/$1" >&2 ||
        die "cannot unpack $dsc"
}
for p in $(echo "$pkgs" | cut -d= -f1); do unpack "$p"; done

# --- cross-build, once per flavor (the recipe lives in deps-build.sh) -----------------
# shellcheck source=tools/deps-build.sh
. "$here/deps-build.sh"
build_flavor simd "-O3 -msimd128"
build_flavor base "-O3"

mkdir -p "$(dirname "$prefix")"
rm -rf "$prefix"
mv "$work/out" "$prefix"
{ echo "$emver"; cat "$lock"; } > "$prefix/.complete"
echo "$prefix"
