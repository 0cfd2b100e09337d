"""Checks the two benchmark competitors (FastMCP, openapi-mcp-generator) end to end with the
official MCP Python SDK client: start the server, initialize, tools/list (count, time from
process start), and optionally one tools/call (plus an authenticated one), over stdio and
Streamable HTTP. Run `setup.sh SPEC NAME` first.

    /work/main/.venv/bin/python bench/competitors/check.py                 # example spec, own Django app
    /work/main/.venv/bin/python bench/competitors/check.py --base-url URL  # example spec, running app
    /work/main/.venv/bin/python bench/competitors/check.py --spec S --name N --no-call \
        --base-url http://127.0.0.1:9 --runs 3                          # e.g. GitHub: list only

Exit status 0 if every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters, get_default_environment, stdio_client

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLE_DIR = REPO / "example"
BENCH_HOME = Path(os.environ.get("SPEC2MCP_BENCH_HOME") or Path.home() / ".cache" / "spec2mcp-bench")
FASTMCP_PY = BENCH_HOME / "fastmcp-venv" / "bin" / "python"
ALICE_TOKEN = "a11ce0000000000000000000000000000000a11c"
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ----------------------------------------------------------------------------------------
# Upstream: the example Django app, as tests/e2e/conftest.py starts it
# ----------------------------------------------------------------------------------------


@contextmanager
def django_upstream(python: str) -> Iterator[str]:
    tmp = Path(tempfile.mkdtemp(prefix="spec2mcp-bench-django-"))
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env.update(SHOP_DB_PATH=str(tmp / "shop.sqlite3"), DJANGO_SETTINGS_MODULE="shop.settings",
               PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    subprocess.run([python, "manage.py", "seed"], cwd=EXAMPLE_DIR, env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [python, "-m", "gunicorn", "shop.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--no-control-socket"],
        cwd=EXAMPLE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/api/categories/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"django upstream did not start; see {tmp / 'gunicorn.log'}")
            time.sleep(0.1)
        print(f"upstream: Django example app at {base} (db and log in {tmp})", file=sys.stderr)
        yield base
    finally:
        stop(proc)
        log.close()


# ----------------------------------------------------------------------------------------
# Competitor commands (the same ones setup.sh prints and README.md documents)
# ----------------------------------------------------------------------------------------


def command(competitor: str, transport: str, spec: Path, name: str, base: str, port: int | None,
            token: str | None) -> tuple[list[str], dict[str, str]]:
    env: dict[str, str] = {}
    if competitor == "fastmcp":
        cmd = [str(FASTMCP_PY), str(HERE / "fastmcp_server.py"), "--spec", str(spec), "--base-url", base,
               "--transport", transport]
        if port is not None:
            cmd += ["--port", str(port)]
        if token:
            env["BENCH_AUTH_HEADER"] = f"Authorization: Token {token}"
    elif competitor == "omg":
        variant = "stdio" if transport == "stdio" else "http"
        entry = BENCH_HOME / "omg" / name / variant / "build" / "index.js"
        if not entry.is_file():
            raise SystemExit(f"{entry} missing: run bench/competitors/setup.sh {spec} {name}")
        cmd = ["node", str(entry)]
        env["API_BASE_URL"] = base
        if port is not None:
            env["PORT"] = str(port)
        if token:
            # The example spec's apiKey scheme `tokenAuth` (header Authorization), sent as-is.
            env["API_KEY_TOKENAUTH"] = f"Token {token}"
    else:
        raise ValueError(competitor)
    return cmd, env


@asynccontextmanager
async def connect(competitor: str, transport: str, args: argparse.Namespace, log_path: Path,
                  token: str | None = None) -> AsyncIterator[Client]:
    port = free_port() if transport == "http" else None
    cmd, extra = command(competitor, transport, args.spec, args.name, args.base_url, port, token)
    env = {**get_default_environment(), **extra}
    with log_path.open("a") as errlog:
        errlog.write(f"\n=== {' '.join(cmd)}  env={extra}\n")
        errlog.flush()
        if transport == "stdio":
            params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=env)
            async with Client(stdio_client(params, errlog=errlog), mode=args.mode, read_timeout_seconds=60,
                              cache=None) as client:
                yield client
            return
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=errlog, stderr=errlog)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not port_open(port):
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited with {proc.returncode}; see {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not listen within {START_TIMEOUT}s; see {log_path}")
                await anyio.sleep(0.02)
            async with Client(f"http://127.0.0.1:{port}/mcp", mode=args.mode, read_timeout_seconds=60,
                              cache=None) as client:
                yield client
        finally:
            stop(proc)


def body_of(result: Any) -> Any:
    """The upstream JSON a tool result carries: structuredContent (FastMCP) or the JSON in the
    text block (openapi-mcp-generator prefixes it with 'API Response (Status: N):')."""
    if isinstance(result.structured_content, dict):
        sc = result.structured_content
        return sc["result"] if set(sc) == {"result"} else sc
    for block in result.content:
        text = getattr(block, "text", None)
        if text is None:
            continue
        for candidate in (text, text.partition("\n")[2]):
            try:
                return json.loads(candidate)
            except ValueError:
                pass
    return None


def short(result: Any) -> str:
    texts = [getattr(b, "text", "") for b in result.content]
    return (" | ".join(texts))[:300]


def raw_stdio_hygiene(competitor: str, args: argparse.Namespace) -> str | None:
    """Speaks JSON-RPC over stdio by hand; every stdout line must be a JSON-RPC message."""
    cmd, extra = command(competitor, "stdio", args.spec, args.name, args.base_url, None, None)
    proc = subprocess.Popen(cmd, env={**get_default_environment(), **extra}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        msgs = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                        "clientInfo": {"name": "check", "version": "0"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        ]
        for m in msgs:
            proc.stdin.write(json.dumps(m) + "\n")
        proc.stdin.flush()
        while True:
            line = proc.stdout.readline()
            if not line:
                return "stdout closed before the tools/list answer"
            try:
                msg = json.loads(line)
            except ValueError:
                return f"non-JSON line on stdout: {line[:200]!r}"
            if msg.get("jsonrpc") != "2.0":
                return f"not JSON-RPC on stdout: {line[:200]!r}"
            if msg.get("id") == 2:
                return None if "result" in msg else f"tools/list error: {line[:200]}"
    finally:
        proc.stdin.close()
        stop(proc)


async def check_one(competitor: str, transport: str, args: argparse.Namespace, log_path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"competitor": competitor, "transport": transport, "ok": True, "problems": []}
    times = []
    for run in range(args.runs):
        t0 = time.monotonic()
        async with connect(competitor, transport, args, log_path) as client:
            listing = await client.list_tools()
            times.append(time.monotonic() - t0)
            tools = {t.name: t for t in listing.tools}
            if run == 0:
                out["tool_count"] = len(tools)
                out["tools"] = sorted(tools)
                out["protocol"] = getattr(client, "protocol_version", None)
                if args.call:
                    tool = tools.get(args.call)
                    if tool is None:
                        out["problems"].append(f"no tool named {args.call!r}")
                    else:
                        out["call_tool_args"] = sorted((tool.input_schema or {}).get("properties", {}))
                        res = await client.call_tool(args.call, json.loads(args.call_args))
                        body = body_of(res)
                        count = len(body["results"]) if isinstance(body, dict) and "results" in body else None
                        out["call"] = {"is_error": res.is_error, "results": count,
                                       "structured": res.structured_content is not None, "text": short(res)[:120]}
                        if res.is_error or count is None:
                            out["problems"].append(f"{args.call} failed: {short(res)}")
    out["start_to_tools_list_s"] = [round(t, 3) for t in times]

    if args.call and args.token and args.auth_call:
        async with connect(competitor, transport, args, log_path, token=args.token) as client:
            res = await client.call_tool(args.auth_call, {})
            body = body_of(res)
            ok = not res.is_error and isinstance(body, dict) and "results" in body
            out["auth_call"] = {"tool": args.auth_call, "ok": ok, "text": short(res)[:120]}
            if not ok:
                out["problems"].append(f"authenticated {args.auth_call} failed: {short(res)}")

    if transport == "stdio":
        problem = raw_stdio_hygiene(competitor, args)
        out["stdout_clean"] = problem is None
        if problem:
            out["problems"].append(problem)
    out["ok"] = not out["problems"]
    return out


async def amain(args: argparse.Namespace) -> int:
    log_path = Path(tempfile.mkdtemp(prefix="spec2mcp-bench-check-")) / "servers.log"
    print(f"server logs: {log_path}", file=sys.stderr)
    results = []
    for competitor in args.competitor:
        for transport in args.transport:
            try:
                r = await check_one(competitor, transport, args, log_path)
            except Exception as e:  # noqa: BLE001 - report and go on
                r = {"competitor": competitor, "transport": transport, "ok": False,
                     "problems": [f"{type(e).__name__}: {e}"]}
            results.append(r)
            times = r.get("start_to_tools_list_s", [])
            print(f"{'OK  ' if r['ok'] else 'FAIL'} {competitor:8} {transport:6} tools={r.get('tool_count')} "
                  f"start->tools/list={times} call={r.get('call')} auth={r.get('auth_call')} "
                  f"problems={r['problems']}", file=sys.stderr)
    print(json.dumps(results, indent=2 if args.verbose else None))
    return 0 if all(r["ok"] for r in results) else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", type=Path, default=EXAMPLE_DIR / "schema.yml")
    ap.add_argument("--name", default="shop", help="NAME given to setup.sh")
    ap.add_argument("--base-url", help="upstream base URL; default: start the example Django app")
    ap.add_argument("--competitor", nargs="+", choices=["fastmcp", "omg"], default=["fastmcp", "omg"])
    ap.add_argument("--transport", nargs="+", choices=["stdio", "http"], default=["stdio", "http"])
    ap.add_argument("--mode", default="legacy", help="mcp.Client mode: legacy (initialize) or auto")
    ap.add_argument("--runs", type=int, default=1, help="start->tools/list timings per combination")
    ap.add_argument("--call", default="products_list", help="tool to call once ('' for none)")
    ap.add_argument("--call-args", default='{"page_size": 2}')
    ap.add_argument("--no-call", action="store_true")
    ap.add_argument("--token", default=ALICE_TOKEN, help="token for the authenticated call ('' for none)")
    ap.add_argument("--auth-call", default="me_orders_list")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    args.spec = args.spec.resolve()
    if args.no_call:
        args.call = ""
    if not FASTMCP_PY.exists():
        raise SystemExit(f"{FASTMCP_PY} missing: run bench/competitors/setup.sh first")
    if args.base_url:
        raise SystemExit(anyio.run(amain, args))
    with django_upstream(sys.executable) as base:
        args.base_url = base
        code = anyio.run(amain, args)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
