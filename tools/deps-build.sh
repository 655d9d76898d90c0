# tools/deps-build.sh: the recipe tools/deps.sh uses to cross-build the unpacked sources
# in $work for one flavor. Sourced, not run; its text is part of the cache key, so any
# change here rebuilds the dependencies.
build_flavor() { # flavor cflags
    local flavor=$1 cf=$2 out="$work/out/$1" b
    mkdir -p "$out/lib" "$out/include/cjson"
    echo "deps.sh: building $flavor ($cf)" >&2

    # cJSON: one file.
    b="$work/b-$flavor/cjson"; mkdir -p "$b"
    emcc $cf -c "$work/cjson/cJSON.c" -o "$b/cJSON.o"
    emar rcs "$out/lib/libcjson.a" "$b/cJSON.o"
    cp "$work/cjson/cJSON.h" "$out/include/cjson/"

    # libyuv: its CMake project, static library target only.
    b="$work/b-$flavor/libyuv"
    emcmake cmake -S "$work/libyuv" -B "$b" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_FLAGS="$cf" -DCMAKE_CXX_FLAGS="$cf" -DCMAKE_DISABLE_FIND_PACKAGE_JPEG=ON >/dev/null
    cmake --build "$b" --target yuv -j "$jobs" >/dev/null
    cp "$b/libyuv.a" "$out/lib/"
    cp -r "$work/libyuv/include/." "$out/include/"

    # opus: autotools (the tarball's CMake files are incomplete).
    b="$work/b-$flavor/opus"; mkdir -p "$b"
    (cd "$b" && emconfigure "$work/opus/configure" --host=i686-pc-linux-gnu \
        --disable-asm --disable-rtcd --disable-intrinsics --disable-extra-programs --disable-doc \
        --enable-static --disable-shared --prefix="$out" CFLAGS="$cf" >/dev/null &&
        emmake make -j "$jobs" >/dev/null && emmake make install >/dev/null)

    # libvpx: the portable C target; no threads in the module.
    b="$work/b-$flavor/libvpx"; mkdir -p "$b"
    (cd "$b" && emconfigure "$work/libvpx/configure" --target=generic-gnu \
        --disable-examples --disable-tools --disable-docs --disable-unit-tests \
        --disable-multithread --disable-runtime-cpu-detect --enable-vp8 --enable-vp9 \
        --enable-static --disable-shared --prefix="$out" --extra-cflags="$cf" >/dev/null &&
        emmake make -j "$jobs" >/dev/null && emmake make install STRIP=true >/dev/null)

    # libsodium: SHA-256 for file integrity. Its tarball ships configure.ac only.
    b="$work/b-$flavor/libsodium"; mkdir -p "$b"
    [ -x "$work/libsodium/configure" ] || (cd "$work/libsodium" && autoreconf -fi >/dev/null 2>&1)
    (cd "$b" && emconfigure "$work/libsodium/configure" --host=wasm32-unknown-emscripten \
        --disable-shared --enable-static --disable-ssp --disable-asm --disable-pie --without-pthreads \
        --prefix="$out" CFLAGS="$cf" >/dev/null &&
        emmake make -j "$jobs" >/dev/null && emmake make install >/dev/null)
}

