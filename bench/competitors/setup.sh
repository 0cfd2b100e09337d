#!/usr/bin/env bash
# Installs the three benchmark competitors (pinned) under ~/.cache/spec2mcp-bench/ and builds
# openapi-mcp-generator's TypeScript server for one spec. Idempotent: what is already there at
# the pinned versions (and, for a generated server, for the same spec bytes) is skipped.
#
#   bench/competitors/setup.sh SPEC_PATH NAME
#
# Env: SPEC2MCP_BENCH_HOME (default ~/.cache/spec2mcp-bench), OMG_ALL_METHODS=1 to let
# openapi-mcp-generator expose every method (default: GET operations only, like spec2mcp).
set -euo pipefail

FASTMCP_VERSION=4.2.3
OMG_VERSION=4.0.1
# Kept in step with RMCP_OPENAPI_VERSION in xtask/src/bench/mod.rs.
RMCP_OPENAPI_VERSION=0.32.1
# The generated server's package.json asks for caret ranges; these are exact pins of them (the
# generator's template deps, stdio + streamable-http), installed once and linked into every
# generated project. @modelcontextprotocol/sdk is held at 1.24.3, the last release before the
# SDK's StreamableHTTPServerTransport started re-reading the Node request body (1.25.0): with
# >= 1.25 the generated streamable-http server (which hands the SDK a fetch-to-node request
# whose body Hono already consumed) crashes on the first POST with "ReadableStream is locked".
OMG_RUNTIME_PACKAGE_JSON='{
  "name": "spec2mcp-bench-omg-runtime",
  "private": true,
  "type": "module",
  "dependencies": {
    "@modelcontextprotocol/sdk": "1.24.3",
    "axios": "1.21.1",
    "dotenv": "16.6.1",
    "zod": "3.25.76",
    "json-schema-to-zod": "2.8.1",
    "hono": "4.13.19",
    "@hono/node-server": "1.19.19",
    "uuid": "11.1.1",
    "fetch-to-node": "2.1.0",
    "@types/node": "22.20.7",
    "typescript": "5.9.3",
    "shx": "0.4.0",
    "@types/uuid": "10.0.0"
  }
}'

usage() { echo "usage: $0 SPEC_PATH NAME" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ -f $1 ]] || { echo "setup.sh: no such spec file: $1" >&2; exit 2; }
[[ $2 =~ ^[A-Za-z0-9._-]+$ ]] || { echo "setup.sh: NAME must match [A-Za-z0-9._-]+" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SPEC=$(realpath "$1")
NAME=$2
BENCH_HOME=${SPEC2MCP_BENCH_HOME:-$HOME/.cache/spec2mcp-bench}
VENV=$BENCH_HOME/fastmcp-venv
OMG_TOOL=$BENCH_HOME/omg-tool
RMCP_OPENAPI=$BENCH_HOME/rmcp-openapi-$RMCP_OPENAPI_VERSION
OMG_RUNTIME=$BENCH_HOME/omg-runtime
OUT=$BENCH_HOME/omg/$NAME
NPM_FLAGS=(--no-audit --no-fund --loglevel=error)

log() { echo "setup.sh: $*" >&2; }
mkdir -p "$BENCH_HOME"

# --- FastMCP venv -------------------------------------------------------------------------
venv_ok() {
  [[ -x $VENV/bin/python ]] && "$VENV/bin/python" - "$FASTMCP_VERSION" <<'PY' 2>/dev/null
import importlib.metadata as m, sys
import yaml  # noqa: F401  (prepare_spec.py needs it)
sys.exit(0 if m.version("fastmcp") == sys.argv[1] else 1)
PY
}
if venv_ok; then
  log "fastmcp $FASTMCP_VERSION already in $VENV"
else
  log "installing fastmcp $FASTMCP_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    -c "$HERE/fastmcp-constraints.txt" "fastmcp==$FASTMCP_VERSION" pyyaml
  venv_ok || { log "fastmcp install did not verify"; exit 1; }
fi

# --- rmcp-openapi (a Rust bridge that reads the spec at start; its binary serves HTTP only) -
# Built from crates.io with its own lock file into its own root; the build shares nothing with
# this workspace's target dir (minutes of compiling on 2 cores, once).
rmcp_ok() {
  [[ -x $RMCP_OPENAPI/bin/rmcp-openapi-server ]]
}
if rmcp_ok; then
  log "rmcp-openapi-server $RMCP_OPENAPI_VERSION already in $RMCP_OPENAPI"
else
  log "installing rmcp-openapi-server $RMCP_OPENAPI_VERSION into $RMCP_OPENAPI (cargo install)"
  CARGO_TARGET_DIR=$BENCH_HOME/rmcp-openapi-target cargo install --quiet --locked \
    rmcp-openapi-server --version "$RMCP_OPENAPI_VERSION" --root "$RMCP_OPENAPI" >&2
  rm -rf "$BENCH_HOME/rmcp-openapi-target"
  rmcp_ok || { log "rmcp-openapi-server install did not verify"; exit 1; }
fi

# rmcp-openapi over stdio: its binary has no stdio transport, so a ten-line main around the same
# library version (rmcp_openapi_stdio.rs beside this script) serves it for the stdio rows.
RMCP_STDIO=$BENCH_HOME/rmcp-openapi-stdio-$RMCP_OPENAPI_VERSION
if [[ -x $RMCP_STDIO/target/release/rmcp-openapi-stdio ]] && cmp -s "$HERE/rmcp_openapi_stdio.rs" "$RMCP_STDIO/src/main.rs"; then
  log "rmcp-openapi stdio wrapper already in $RMCP_STDIO"
else
  log "building the rmcp-openapi stdio wrapper into $RMCP_STDIO"
  mkdir -p "$RMCP_STDIO/src"
  cp "$HERE/rmcp_openapi_stdio.rs" "$RMCP_STDIO/src/main.rs"
  cat > "$RMCP_STDIO/Cargo.toml" <<TOML
[package]
name = "rmcp-openapi-stdio"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
rmcp-openapi = "=$RMCP_OPENAPI_VERSION"
rmcp = { version = "3", default-features = false, features = ["server", "transport-io"] }
tokio = { version = "1", features = ["rt", "macros", "io-std"] }
serde_json = "1"
url = "2"
http = "1"

[workspace]
TOML
  (cd "$RMCP_STDIO" && CARGO_TARGET_DIR=$RMCP_STDIO/target cargo build --release --quiet >&2)
  [[ -x $RMCP_STDIO/target/release/rmcp-openapi-stdio ]] || { log "the rmcp-openapi stdio wrapper did not build"; exit 1; }
fi

# --- openapi-mcp-generator (the generator CLI) ---------------------------------------------
omg_tool_ok() {
  [[ -x $OMG_TOOL/node_modules/.bin/openapi-mcp-generator ]] &&
    [[ $(node -p 'require(process.argv[1]).version' "$OMG_TOOL/node_modules/openapi-mcp-generator/package.json" 2>/dev/null) == "$OMG_VERSION" ]]
}
if omg_tool_ok; then
  log "openapi-mcp-generator $OMG_VERSION already in $OMG_TOOL"
else
  log "installing openapi-mcp-generator $OMG_VERSION into $OMG_TOOL"
  mkdir -p "$OMG_TOOL"
  npm install --prefix "$OMG_TOOL" "${NPM_FLAGS[@]}" --save-exact "openapi-mcp-generator@$OMG_VERSION" >&2
  omg_tool_ok || { log "openapi-mcp-generator install did not verify"; exit 1; }
fi

# --- runtime deps of the generated servers (shared by every NAME via a node_modules link) ---
if [[ -f $OMG_RUNTIME/package.json && $(cat "$OMG_RUNTIME/package.json") == "$OMG_RUNTIME_PACKAGE_JSON" &&
      -f $OMG_RUNTIME/.installed && -x $OMG_RUNTIME/node_modules/.bin/tsc ]]; then
  log "generated-server runtime deps already in $OMG_RUNTIME"
else
  log "installing generated-server runtime deps into $OMG_RUNTIME"
  rm -rf "$OMG_RUNTIME"
  mkdir -p "$OMG_RUNTIME"
  printf '%s\n' "$OMG_RUNTIME_PACKAGE_JSON" >"$OMG_RUNTIME/package.json"
  npm install --prefix "$OMG_RUNTIME" "${NPM_FLAGS[@]}" >&2
  touch "$OMG_RUNTIME/.installed"
fi

# --- generate + build the openapi-mcp-generator server for SPEC -----------------------------
GET_ONLY=1
[[ ${OMG_ALL_METHODS:-0} == 1 ]] && GET_ONLY=0
STAMP="omg=$OMG_VERSION get_only=$GET_ONLY runtime=$(printf '%s' "$OMG_RUNTIME_PACKAGE_JSON" | sha256sum | cut -c1-16) spec=$(sha256sum <"$SPEC" | cut -c1-64)"
if [[ -f $OUT/.stamp && $(cat "$OUT/.stamp") == "$STAMP" && -f $OUT/stdio/build/index.js && -f $OUT/http/build/index.js ]]; then
  log "openapi-mcp-generator server for $NAME already built in $OUT"
else
  log "generating openapi-mcp-generator servers for $NAME in $OUT"
  rm -rf "$OUT"
  mkdir -p "$OUT"
  prep=("$SPEC" "$OUT/spec.json")
  [[ $GET_ONLY == 1 ]] && prep+=(--get-only)
  "$VENV/bin/python" "$HERE/prepare_spec.py" "${prep[@]}"
  # The transport is fixed at generation time (the generated index.ts takes no transport flag),
  # so there is one project per transport.
  for variant in stdio http; do
    transport=$variant
    [[ $variant == http ]] && transport=streamable-http
    "$OMG_TOOL/node_modules/.bin/openapi-mcp-generator" -i "$OUT/spec.json" -o "$OUT/$variant" \
      -t "$transport" -n "$NAME-omg" --force >"$OUT/generate-$variant.log" 2>&1 ||
      { cat "$OUT/generate-$variant.log" >&2; exit 1; }
    ln -s "$OMG_RUNTIME/node_modules" "$OUT/$variant/node_modules"
    log "building $OUT/$variant"
    (cd "$OUT/$variant" && NODE_OPTIONS="--max-old-space-size=8192" npm run build --silent >&2)
  done
  printf '%s\n' "$STAMP" >"$OUT/.stamp"
fi

TOOLS=$(grep -c '^  \["' "$OUT/stdio/src/index.ts" || true)
log "openapi-mcp-generator server for $NAME exposes $TOOLS tools"

cat <<EOF

# ---- start commands for $NAME (BASE = upstream base URL, PORT = a free loopback port) ----
# FastMCP $FASTMCP_VERSION (GET-only route maps; optional env BENCH_AUTH_HEADER='Authorization: Token ...')
#   stdio:
$VENV/bin/python $HERE/fastmcp_server.py --spec $SPEC --base-url \$BASE --transport stdio
#   Streamable HTTP (stateless, JSON responses) at http://127.0.0.1:\$PORT/mcp:
$VENV/bin/python $HERE/fastmcp_server.py --spec $SPEC --base-url \$BASE --transport http --port \$PORT
# openapi-mcp-generator $OMG_VERSION ($TOOLS tools; auth env API_KEY_<SCHEME>/BEARER_TOKEN_<SCHEME>, see README.md)
#   stdio:
API_BASE_URL=\$BASE node $OUT/stdio/build/index.js
#   Streamable HTTP (stateful, SSE responses) at http://localhost:\$PORT/mcp (binds all interfaces):
API_BASE_URL=\$BASE PORT=\$PORT node $OUT/http/build/index.js
# rmcp-openapi $RMCP_OPENAPI_VERSION over Streamable HTTP (stateless) at http://127.0.0.1:\$PORT/mcp:
$RMCP_OPENAPI/bin/rmcp-openapi-server $SPEC --base-url \$BASE --methods GET --port \$PORT
# rmcp-openapi over stdio (its binary has none; a main around the same library), JSON spec:
$RMCP_STDIO/target/release/rmcp-openapi-stdio SPEC.json \$BASE
EOF
