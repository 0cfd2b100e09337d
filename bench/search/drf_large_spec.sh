#!/usr/bin/env bash
# Fetches authentik's drf-spectacular schema (npm package @goauthentik/api, pinned) under
# ~/.cache/spec2mcp-bench/specs/ and prints the path of its schema.yml, after checking the
# file's sha256. Idempotent: an already unpacked copy is reused.
set -euo pipefail
AUTHENTIK_API_VERSION=2026.8.3
SHA256=6e9b00e18160ba60df33f5b2621db278693dbd0f35cce5abccb35c99160dc57f
BENCH_HOME=${SPEC2MCP_BENCH_HOME:-$HOME/.cache/spec2mcp-bench}
DIR=$BENCH_HOME/specs/goauthentik-api-$AUTHENTIK_API_VERSION
SPEC=$DIR/package/schema.yml
if [[ ! -s $SPEC ]]; then
  mkdir -p "$BENCH_HOME/specs"
  tmp=$(mktemp -d "$BENCH_HOME/specs/.pack.XXXXXX")
  (cd "$tmp" && npm pack --silent "@goauthentik/api@$AUTHENTIK_API_VERSION" >/dev/null)
  rm -rf "$DIR"
  mkdir -p "$DIR"
  tar -xzf "$tmp"/goauthentik-api-"$AUTHENTIK_API_VERSION".tgz -C "$DIR" package/schema.yml
  rm -rf "$tmp"
fi
echo "$SHA256  $SPEC" | sha256sum --check --quiet >&2
echo "$SPEC"
