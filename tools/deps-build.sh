# tools/deps-build.sh: the recipe tools/deps.sh uses to cross-build the unpacked sources
# in $work for one flavor. Sourced, not run; its text is part of the cache key, so any
# change here rebuilds the dependencies.
build_flavor() { # flavor cflags
    local flavor=$1 cf=$2 out="$work/out/$1" b
    # The SIMD flavour targets engines that all have bulk memory operations too: memcpy and
    # memset compile to memory.copy / memory.fill instead of a byte loop.
    [ "$flavor" = simd ] && cf="$cf -mbulk-memory"
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
        --disable-stack-protector \
        --enable-static --disable-shared --prefix="$out" CFLAGS="$cf" >/dev/null &&
        emmake make -j "$jobs" >/dev/null && emmake make install >/dev/null)

    # libvpx: the portable C target; no threads in the module. The SIMD flavour routes the
    # hot functions to WebAssembly SIMD128 (vpx_wasm_simd below) before compiling.
    b="$work/b-$flavor/libvpx"; mkdir -p "$b"
    (cd "$b" && emconfigure "$work/libvpx/configure" --target=generic-gnu \
        --disable-examples --disable-tools --disable-docs --disable-unit-tests \
        --disable-multithread --disable-runtime-cpu-detect --enable-vp8 --enable-vp9 \
        --enable-static --disable-shared --prefix="$out" --extra-cflags="$cf" >/dev/null)
    [ "$flavor" = simd ] && vpx_wasm_simd "$b" "$cf"
    (cd "$b" && emmake make -j "$jobs" >/dev/null && emmake make install STRIP=true >/dev/null)
    emranlib "$out/lib/libvpx.a"   # libvpx's install leaves the archive without a symbol index
    [ "$flavor" = simd ] && vpx_wasm_simd_check "$b"

    # libsodium: SHA-256 for file integrity. Its tarball ships configure.ac only.
    b="$work/b-$flavor/libsodium"; mkdir -p "$b"
    [ -x "$work/libsodium/configure" ] || (cd "$work/libsodium" && autoreconf -fi >/dev/null 2>&1)
    (cd "$b" && emconfigure "$work/libsodium/configure" --host=wasm32-unknown-emscripten \
        --disable-shared --enable-static --disable-ssp --disable-asm --disable-pie --without-pthreads \
        --prefix="$out" CFLAGS="$cf" >/dev/null &&
        emmake make -j "$jobs" >/dev/null && emmake make install >/dev/null)
}


# libvpx's x86 SIMD is mostly assembly, which cannot become WebAssembly. Its portable
# build calls every optimisable function through a macro in the generated *_rtcd.h
# headers; this points those macros at WebAssembly SIMD128 code instead:
#   - mediacore's kernels in tools/deps/libvpx-wasm/*_wasm.c for the functions whose x86
#     versions are assembly (SAD, variance, sub-pixel filters, loop filters, transforms);
#   - libvpx's own SSE2/SSSE3/SSE4.1 intrinsics files (C), compiled through Emscripten's
#     x86 SIMD headers, for the rest (VP9 transforms, quantizers, loop filters, ...).
# route_rtcd.py picks, per function, the first of those present; every kernel of ours is
# then checked against libvpx's C version (vpx_wasm_simd_check), so the SIMD flavour
# encodes and decodes to exactly the same bytes as the plain one.
vpx_libvpx_x86="vpx_dsp/x86/fwd_txfm_sse2.c vpx_dsp/x86/inv_txfm_sse2.c vpx_dsp/x86/inv_txfm_ssse3.c
    vpx_dsp/x86/quantize_sse2.c vpx_dsp/x86/quantize_ssse3.c vpx_dsp/x86/avg_intrin_sse2.c
    vpx_dsp/x86/loopfilter_sse2.c vpx_dsp/x86/sum_squares_sse2.c
    vp8/encoder/x86/vp8_quantize_ssse3.c vp8/encoder/x86/quantize_sse4.c
    vp9/common/x86/vp9_idct_intrin_sse2.c vp9/encoder/x86/vp9_dct_intrin_sse2.c
    vp9/encoder/x86/vp9_quantize_sse2.c"

vpx_wasm_simd() { # build-dir cflags
    local b=$1 cf=$2 kdir="$here/deps/libvpx-wasm" f pass
    (cd "$b" && emmake make vp8_rtcd.h vp9_rtcd.h vpx_dsp_rtcd.h vpx_scale_rtcd.h >/dev/null)
    # Pass 1 only learns which functions exist (the headers do not declare them yet);
    # pass 2 compiles them against the routed headers.
    for pass in 1 2; do
        rm -rf "$b/simd$pass"; mkdir -p "$b/simd$pass"
        local extra=""; [ $pass = 1 ] && extra="-Wno-implicit-function-declaration -Wno-error"
        for f in "$kdir"/*_wasm.c; do
            # shellcheck disable=SC2086
            emcc $cf $extra -I"$work/libvpx" -I"$b" -I"$kdir" -c "$f" -o "$b/simd$pass/mc_$(basename "$f" .c).o"
        done
        for f in $vpx_libvpx_x86; do
            # shellcheck disable=SC2086
            emcc $cf -msse4.1 $extra -I"$work/libvpx" -I"$b" -c "$work/libvpx/$f" \
                -o "$b/simd$pass/$(echo "$f" | tr / _ | sed 's/\.c$//').o"
        done
        if [ $pass = 1 ]; then
            emnm "$b"/simd1/*.o | awk '$2 == "T" { print $3 }' | sort -u > "$b/simd-symbols.txt"
            (cd "$b" && python3 "$kdir/route_rtcd.py" simd-symbols.txt \
                vp8_rtcd.h vp9_rtcd.h vpx_dsp_rtcd.h vpx_scale_rtcd.h > simd-routed.txt)
            echo "deps.sh: libvpx: $(wc -l < "$b/simd-routed.txt") functions routed to SIMD128" >&2
        fi
    done
    # The objects join libvpx.a after libvpx's own make (see build_flavor).
    (cd "$b" && emmake make -j "$jobs" >/dev/null && emar rs libvpx.a simd2/*.o)
}

vpx_wasm_simd_check() { # build-dir
    local b=$1 kdir="$here/deps/libvpx-wasm"
    emcc -O2 -msimd128 -mbulk-memory -I"$work/libvpx" -I"$b" "$kdir/test_kernels.c" "$b/libvpx.a" \
        -sENVIRONMENT=node -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=1048576 \
        -o "$b/test_kernels.js"
    node "$b/test_kernels.js" >&2 || die "libvpx SIMD128 kernels differ from libvpx's C (see above)"
}
