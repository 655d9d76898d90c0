#!/usr/bin/env python3
"""route_rtcd.py: point libvpx's function tables at WebAssembly SIMD128 implementations.

libvpx's configure for the portable target (generic-gnu) generates *_rtcd.h headers in
which every optimisable function is a macro naming its C version:

    void vpx_sad16x16_c(const uint8_t *src_ptr, ...);
    #define vpx_sad16x16 vpx_sad16x16_c

For each such function this rewrites the macro to the best implementation present in the
given object files' symbol list: mediacore's own WebAssembly SIMD128 kernel (NAME_wasm,
tools/deps/libvpx-wasm/*.c) first, then libvpx's own SSE4.1/SSSE3/SSE2 intrinsics (C
files compiled through Emscripten's x86 SIMD headers), adding its prototype:

    void vpx_sad16x16_c(const uint8_t *src_ptr, ...);
    void vpx_sad16x16_wasm(const uint8_t *src_ptr, ...);
    #define vpx_sad16x16 vpx_sad16x16_wasm

usage: route_rtcd.py SYMBOLS_FILE HEADER...   (rewrites the headers in place and prints
one line per routed function, "name -> implementation")
"""
import re
import sys

PREFERENCE = ("wasm", "sse4_1", "ssse3", "sse2")


def route(header, symbols):
    text = open(header).read().split("\n")
    out, routed = [], []
    for i, line in enumerate(text):
        m = re.match(r"#define (\w+) (\w+)_c$", line)
        if not m:
            out.append(line)
            continue
        name, target = m.group(1), m.group(2)
        proto = out[-1] if out else ""
        pm = re.match(r"(.*\b)" + re.escape(target) + r"_c(\(.*\);)$", proto)
        choice = None
        for isa in PREFERENCE:
            for base in ((name,) if isa == "wasm" else (name, target)):
                if f"{base}_{isa}" in symbols:
                    choice = f"{base}_{isa}"
                    break
            if choice:
                break
        if choice is None or pm is None:
            out.append(line)
            continue
        out.append(f"{pm.group(1)}{choice}{pm.group(2)}")
        out.append(f"#define {name} {choice}")
        routed.append(f"{name} -> {choice}")
    open(header, "w").write("\n".join(out))
    return routed


def main():
    symbols = set(open(sys.argv[1]).read().split())
    for header in sys.argv[2:]:
        for line in route(header, symbols):
            print(line)


if __name__ == "__main__":
    main()
