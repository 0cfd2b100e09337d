"""FastMCP's OpenAPI bridge as a benchmark competitor.

Run with the fastmcp venv made by setup.sh:

    ~/.cache/spec2mcp-bench/fastmcp-venv/bin/python fastmcp_server.py \
        --spec PATH --base-url URL [--transport stdio|http] [--port N]

Only GET operations become tools (like spec2mcp's default); every other method is excluded
with FastMCP route maps. HTTP mode is Streamable HTTP on 127.0.0.1 at /mcp, stateless, with
plain JSON responses (no SSE). In stdio mode nothing but the protocol goes to stdout; logs go
to stderr.

Env: BENCH_AUTH_HEADER="Name: value" (e.g. "Authorization: Token abc") is sent on every
upstream request.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

# Quiet FastMCP before it is imported: no banner, no update check, logs at WARNING on stderr.
os.environ.setdefault("FASTMCP_SHOW_SERVER_BANNER", "false")
os.environ.setdefault("FASTMCP_CHECK_FOR_UPDATES", "off")
os.environ.setdefault("FASTMCP_LOG_LEVEL", "WARNING")

T0 = time.monotonic()


def load_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    try:
        return json.loads(text)
    except ValueError:
        import yaml

        return yaml.safe_load(text)


def parse_auth_header(raw: str) -> dict[str, str]:
    name, sep, value = raw.partition(":")
    if not sep or not name.strip():
        sys.exit(f"BENCH_AUTH_HEADER must look like 'Name: value', got {raw!r}")
    return {name.strip(): value.strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, type=Path, help="OpenAPI spec, JSON or YAML")
    ap.add_argument("--base-url", required=True, help="upstream API base URL")
    ap.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    ap.add_argument("--port", type=int, default=8000, help="HTTP port on 127.0.0.1 (http transport)")
    ap.add_argument("--timeout", type=float, default=30.0, help="upstream request timeout, seconds")
    ap.add_argument("--log-level", default="WARNING", help="server log level (stderr)")
    ap.add_argument("--all-methods", action="store_true", help="expose every method, not only GET")
    args = ap.parse_args()

    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper())

    try:
        import httpx2 as httpx  # FastMCP >= 4 takes an httpx2 client (plain httpx is deprecated)
    except ImportError:  # pragma: no cover - older FastMCP
        import httpx  # type: ignore[no-redef]

    from fastmcp import FastMCP
    from fastmcp.server.providers.openapi import MCPType, RouteMap

    headers = parse_auth_header(os.environ["BENCH_AUTH_HEADER"]) if os.environ.get("BENCH_AUTH_HEADER") else {}
    client = httpx.AsyncClient(base_url=args.base_url, headers=headers, timeout=args.timeout)

    if args.all_methods:
        route_maps = [RouteMap(mcp_type=MCPType.TOOL)]
    else:
        # First match wins: GET -> tool, anything else -> excluded.
        route_maps = [
            RouteMap(methods=["GET"], mcp_type=MCPType.TOOL),
            RouteMap(mcp_type=MCPType.EXCLUDE),
        ]

    spec = load_spec(args.spec)
    mcp = FastMCP.from_openapi(
        openapi_spec=spec,
        client=client,
        name=spec.get("info", {}).get("title") or "OpenAPI Server",
        route_maps=route_maps,
    )
    print(f"fastmcp_server: built from {args.spec} in {time.monotonic() - T0:.2f}s", file=sys.stderr)

    if args.transport == "stdio":
        mcp.run(transport="stdio", show_banner=False, log_level=args.log_level)
    else:
        mcp.run(
            transport="http",
            show_banner=False,
            host="127.0.0.1",
            port=args.port,
            path="/mcp",
            log_level=args.log_level,
            stateless_http=True,
            json_response=True,
            uvicorn_config={"access_log": False},
        )


if __name__ == "__main__":
    main()
