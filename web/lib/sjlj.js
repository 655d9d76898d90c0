// sjlj.js: setjmp/longjmp for C code in the module, the way Emscripten 3.1.6 compiles it.
//
// libvpx recovers from a corrupt frame by longjmp()ing out of its decoder back to a
// setjmp() in the codec's entry point. WebAssembly (before the exception-handling
// proposal, which Emscripten 3.1.6 cannot target for this) has no non-local jump, so
// Emscripten rewrites every call made inside a function that called setjmp() into a call
// through an imported JavaScript trampoline, invoke_<signature>(index, ...args): the
// trampoline calls the table function in a try block; longjmp() throws (through the
// imported _emscripten_throw_longjmp), and the trampoline catches it, records it with the
// module's setThrew() and returns, after which the compiled code jumps to its setjmp.
// Signatures name the result then the parameters: v void, i i32, j i64 (split into two
// i32 halves, low first, since imports are legalized), f f32, d f64. A 64-bit result is
// returned as its low half with the high half in "tempRet0".
//
// This is all the JavaScript the module needs for it; runtime.js's makeImports() asks
// longjmpImport() for any env import it does not provide itself.

/** What _emscripten_throw_longjmp throws: caught only by the trampolines below. */
const LONGJMP = Symbol('mediacore longjmp');

function makeInvoke(sig, runtime) {
  const ret = sig[0];
  const params = sig.slice(1);
  const wide = params.includes('j');
  return (index, ...args) => {
    const ex = runtime.exports;
    const sp = ex.stackSave();
    try {
      let call = args;
      if (wide) {
        call = [];
        for (let p = 0, k = 0; p < params.length; p++) {
          if (params[p] === 'j') {
            call.push(BigInt.asIntN(64, BigInt(args[k] >>> 0) | (BigInt(args[k + 1] | 0) << 32n)));
            k += 2;
          } else {
            call.push(args[k++]);
          }
        }
      }
      const result = ex.__indirect_function_table.get(index)(...call);
      if (ret === 'j') {
        runtime.tempRet0 = Number(BigInt.asIntN(32, result >> 32n));
        return Number(BigInt.asIntN(32, result));
      }
      return result;
    } catch (err) {
      ex.stackRestore(sp);
      if (err !== LONGJMP) throw err;
      ex.setThrew(1, 0);
      return ret === 'v' ? undefined : 0;
    }
  };
}

/** The env import `name` for setjmp/longjmp support, or undefined if it is not one. */
export function longjmpImport(name, runtime) {
  if (name.startsWith('invoke_') && /^[vijfd][ijfd]*$/.test(name.slice(7))) {
    return makeInvoke(name.slice(7), runtime);
  }
  switch (name) {
    case '_emscripten_throw_longjmp':
      return () => {
        throw LONGJMP;
      };
    case 'setTempRet0':
      return (value) => {
        runtime.tempRet0 = value;
      };
    case 'getTempRet0':
      return () => runtime.tempRet0 | 0;
    default:
      return undefined;
  }
}
