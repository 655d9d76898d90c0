#!/usr/bin/env bash
# tools/demo.sh: set up, build, and serve the demos on http://localhost:8888 (Ctrl-C stops).
# The server is mediacore-server (build/native): web/ over HTTP, WebSocket signaling on the
# same port, STUN on UDP 3478. It runs in the foreground; Ctrl-C shuts it down cleanly.
#   PORT=9000 tools/demo.sh           another port
#   STUN_PORT=off tools/demo.sh       no STUN responder (or another UDP port)
#   tools/demo.sh --log-level info    more server options (see build/native/mediacore-server --help)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh wasm native
port="${PORT:-8888}"
echo "mediacore demos: http://localhost:$port/  (Ctrl-C to stop)"
exec build/native/mediacore-server --port "$port" --stun-port "${STUN_PORT:-3478}" --web-root web "$@"
