#!/usr/bin/env bash
# Fetches the GitHub REST spec (npm package @octokit/openapi, pinned) under
# ~/.cache/spec2mcp-bench/specs/ and prints the path of generated/api.github.com.json.
# Idempotent: an already unpacked copy is reused.
set -euo pipefail
OCTOKIT_OPENAPI_VERSION=23.0.2
BENCH_HOME=${SPEC2MCP_BENCH_HOME:-$HOME/.cache/spec2mcp-bench}
DIR=$BENCH_HOME/specs/octokit-openapi-$OCTOKIT_OPENAPI_VERSION
SPEC=$DIR/package/generated/api.github.com.json
if [[ ! -s $SPEC ]]; then
  mkdir -p "$BENCH_HOME/specs"
  tmp=$(mktemp -d "$BENCH_HOME/specs/.pack.XXXXXX")
  (cd "$tmp" && npm pack --silent "@octokit/openapi@$OCTOKIT_OPENAPI_VERSION" >/dev/null)
  rm -rf "$DIR"
  mkdir -p "$DIR"
  tar -xzf "$tmp"/octokit-openapi-"$OCTOKIT_OPENAPI_VERSION".tgz -C "$DIR" package/generated/api.github.com.json
  rm -rf "$tmp"
fi
echo "$SPEC"
