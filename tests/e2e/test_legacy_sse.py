"""A client that speaks only the old HTTP+SSE transport (protocol 2024-11-05).

The MCP Rust SDK the generated servers use, rmcp, removed its SSE server (rust-sdk PR #562), so
a generated server speaks stdio and Streamable HTTP only. What docs/deployment.md tells such a
client to do is checked here as written: the third-party bridge `mcp-proxy` serves HTTP+SSE and
runs the server over stdio. The bridge and a 1.x MCP SDK (whose client still has the SSE
transport) live in their own virtualenv under ~/.cache, pinned, outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from e2e_support import DEFAULT_BINARY, free_port, port_open, stop_process

BRIDGE = "mcp-proxy==0.13.0"
LEGACY_SDK = "mcp==1.30.0"

CLIENT = """
import json, sys
import anyio
import mcp.types
from mcp import ClientSession
from mcp.client.sse import sse_client

# Ask for the 2024-11-05 protocol, as a client of that era does.
mcp.types.LATEST_PROTOCOL_VERSION = "2024-11-05"

async def main(url):
    async with sse_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            page = await session.call_tool("products_list", {"category": "books"})
            print(json.dumps({
                "protocol": init.protocolVersion,
                "server": init.serverInfo.name,
                "tools": sorted(t.name for t in tools.tools),
                "is_error": page.isError,
                "text": page.content[0].text,
            }))

anyio.run(main, sys.argv[1])
"""


@pytest.fixture(scope="module")
def legacy_venv() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "spec2mcp-legacy-sse"
    venv = cache / "mcp-proxy-0.13.0"
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if not stamp.is_file():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", BRIDGE, LEGACY_SDK],
            check=True,
            timeout=600,
        )
        stamp.write_text(f"{BRIDGE} {LEGACY_SDK}\n")
    return venv


def test_an_http_sse_client_reaches_the_server_through_the_bridge(legacy_venv, upstream, tmp_path):
    binary = Path(os.environ.get("SHOP_MCP_BIN", DEFAULT_BINARY))
    port = free_port()
    log = (tmp_path / "bridge.log").open("w")
    bridge = subprocess.Popen(
        [
            str(legacy_venv / "bin" / "mcp-proxy"), "--host", "127.0.0.1", "--port", str(port),
            "--", str(binary), "--base-url", upstream.base_url,
        ],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while not port_open(port):
            assert bridge.poll() is None, (tmp_path / "bridge.log").read_text()
            assert time.monotonic() < deadline, "the bridge did not start listening"
            time.sleep(0.1)
        script = tmp_path / "legacy_client.py"
        script.write_text(CLIENT)
        run = subprocess.run(
            [str(legacy_venv / "bin" / "python"), str(script), f"http://127.0.0.1:{port}/sse"],
            capture_output=True, text=True, timeout=120,
        )
        assert run.returncode == 0, run.stderr + (tmp_path / "bridge.log").read_text()
        seen = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        stop_process(bridge)
        log.close()
    assert seen["protocol"] == "2024-11-05"
    assert seen["server"] == "shop-mcp"
    assert "products_list" in seen["tools"] and len(seen["tools"]) == 11
    assert seen["is_error"] is False, seen["text"]
    page = json.loads(seen["text"])
    assert page["results"] and all(p["category"] == "books" for p in page["results"])
