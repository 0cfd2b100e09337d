"""`cargo xtask demo`: the example server answering a real MCP client.

Seeds the example Django app into a temporary database, serves it with gunicorn on a free
loopback port, starts the generated `shop-mcp` binary (path in SHOP_MCP_BIN) over stdio, and uses
the official Python MCP SDK to list its tools and call a few of them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

EXAMPLE_DIR = Path(__file__).resolve().parent
ALICE_TOKEN = "a11ce0000000000000000000000000000000a11c"  # seeded by `manage.py seed`


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_upstream(tmp: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, SHOP_DB_PATH=str(tmp / "shop.sqlite3"), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([sys.executable, "manage.py", "seed"], cwd=EXAMPLE_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shop.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--no-control-socket", "--error-logfile", str(tmp / "gunicorn.log")],
        cwd=EXAMPLE_DIR, env=env, stdin=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base_url + "/api/categories/", timeout=2):
                return proc, base_url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the Django app did not start; see {tmp / 'gunicorn.log'}")
            time.sleep(0.1)


def show(title: str, result) -> None:
    text = result.content[0].text if result.content else ""
    status = "isError" if result.is_error else "ok"
    if not result.is_error:
        try:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    lines = text.splitlines()
    shown = "\n".join(lines[:24]) + ("\n  …" if len(lines) > 24 else "")
    print(f"\n── {title} → {status}\n{shown}")


async def demo(binary: str, base_url: str) -> None:
    params = StdioServerParameters(
        command=binary,
        args=["--base-url", base_url],
        env={"SHOP_MCP_TOKEN_AUTH": f"Token {ALICE_TOKEN}", "RUST_LOG": "warn"},
    )
    async with Client(stdio_client(params), mode="auto") as client:
        tools = await client.list_tools()
        print(f"shop-mcp over stdio: {len(tools.tools)} tools")
        for tool in tools.tools:
            print(f"  {tool.name:<24} {tool.title}")
        show("products_list {category: books, min_price: 20}",
             await client.call_tool("products_list", {"category": "books", "min_price": 20}))
        show("products_retrieve {slug: o-brien-ñ}",
             await client.call_tool("products_retrieve", {"slug": "o-brien-ñ"}))
        show("me_orders_list (as alice)", await client.call_tool("me_orders_list", {}))
        show("products_list {page: 'two'} (a bad argument)",
             await client.call_tool("products_list", {"page": "two"}))
        show("products_retrieve {slug: no-such-thing}",
             await client.call_tool("products_retrieve", {"slug": "no-such-thing"}))


def main() -> None:
    binary = os.environ.get("SHOP_MCP_BIN")
    if not binary or not Path(binary).exists():
        raise SystemExit("set SHOP_MCP_BIN to the built shop-mcp binary (cargo xtask demo does)")
    with tempfile.TemporaryDirectory() as tmp:
        proc, base_url = start_upstream(Path(tmp))
        try:
            print(f"example Django app at {base_url}")
            anyio.run(demo, binary, base_url)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
