#!/usr/bin/env bash
# tools/test.sh: set up, build, and run every test: native C tests under ASan/UBSan
# (ctest), Node tests on the real .wasm (node --test), and browser tests in headless
# Chromium (playwright-core driving Debian's /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh wasm native native-asan

echo "== native tests (ASan + UBSan)"
ctest --preset native-asan
echo "== node tests"
node --test tests/node/
echo "== browser tests"
node --test --test-concurrency=1 tests/browser/
echo "== all tests passed"
