#!/usr/bin/env bash
# tools/demo.sh: set up, build, and serve the demos on http://localhost:8888 (Ctrl-C stops).
#   PORT=9000 tools/demo.sh    another port
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh wasm native
port="${PORT:-8888}"
echo "mediacore demos: http://localhost:$port/  (Ctrl-C to stop)"
exec node tools/serve.mjs --port "$port" --root web
