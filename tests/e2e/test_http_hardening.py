"""The HTTP transport in front of real users: Origin/Host checks, body limit, health, an optional
bearer on the endpoint, graceful SIGTERM, per-user credentials with --forward-header, the W3C
trace context, and retries of idempotent requests only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import anyio
from mcp import Client

from e2e_support import (
    ALICE_TOKEN,
    CLIENT_READ_TIMEOUT,
    BOB_TOKEN,
    REPO_ROOT,
    McpLauncher,
    error_text,
    free_port,
    ok_body,
    port_open,
    recording_upstream,
    server_env,
    stop_process,
)

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}},
}


class HttpServer:
    """The generated server on a loopback port, driven with raw HTTP."""

    def __init__(self, binary: Path, base_url: str, args: list[str] | None = None, env: dict[str, str] | None = None):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [str(binary), "--base-url", base_url, "--transport", "http", "--listen", f"127.0.0.1:{self.port}", *(args or [])],
            env=server_env(env or {}),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while not port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not listen: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            time.sleep(0.05)

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        all_headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **(headers or {})}
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/mcp", data=body, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as resp:
            return resp.status, resp.read()

    def stop(self) -> None:
        stop_process(self.proc)


@pytest.fixture
def http_server(mcp_binary, upstream):
    servers: list[HttpServer] = []

    def start(args: list[str] | None = None, env: dict[str, str] | None = None, base_url: str | None = None) -> HttpServer:
        server = HttpServer(mcp_binary, base_url or upstream.base_url, args, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_origin_host_body_limit_and_health(http_server):
    server = http_server()
    body = json.dumps(INITIALIZE).encode()
    status, _, answer = server.post(body)
    assert status == 200 and b"protocolVersion" in answer
    assert server.post(body, {"Origin": f"http://127.0.0.1:{server.port}"})[0] == 200
    assert server.post(body, {"Origin": "https://evil.example"})[0] == 403
    assert 400 <= server.post(body, {"Host": "evil.example"})[0] < 500
    assert server.post(b" " * (2 * 1024 * 1024) + body)[0] == 413
    assert server.get("/healthz") == (200, b"ok")


def test_malformed_bodies_get_json_rpc_errors(http_server):
    server = http_server()
    status, _, answer = server.post(b'{"jsonrpc":')
    assert status == 400 and json.loads(answer)["error"]["code"] == -32700, answer
    status, _, answer = server.post(json.dumps([INITIALIZE]).encode())
    assert status == 400 and json.loads(answer)["error"]["code"] == -32600, answer


def test_bearer_on_the_endpoint(http_server):
    server = http_server(["--require-bearer-env", "MCP_ENDPOINT_TOKEN"], {"MCP_ENDPOINT_TOKEN": "s3cret-value"})
    body = json.dumps(INITIALIZE).encode()
    status, headers, _ = server.post(body)
    assert status == 401 and headers.get("www-authenticate") == "Bearer"
    assert server.post(body, {"Authorization": "Bearer wrong"})[0] == 401
    assert server.post(body, {"Authorization": "Bearer s3cret-value"})[0] == 200
    assert server.get("/healthz") == (200, b"ok"), "health checks need no token"


def test_sigterm_shuts_down_gracefully(http_server):
    server = http_server()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=5) == 0


@pytest.mark.anyio
async def test_several_serving_threads_answer_concurrent_sessions(http_server):
    # Each serving thread accepts on the same socket; twelve sessions at once, each on its own
    # connection, must all get the same answer, and SIGTERM must stop every thread.
    server = http_server(env={"TOKIO_WORKER_THREADS": "4"})

    def thread_names() -> set[str]:
        tasks = Path(f"/proc/{server.proc.pid}/task")
        return {(tasks / t / "comm").read_text().strip() for t in os.listdir(tasks)}

    # The port opens before the threads start: wait for them rather than race.
    deadline = time.monotonic() + 10
    while not {"mcp-http-1", "mcp-http-2", "mcp-http-3"} <= thread_names():
        assert time.monotonic() < deadline, thread_names()
        time.sleep(0.05)
    counts: dict[int, int] = {}

    async def session(n: int) -> None:
        url = f"http://127.0.0.1:{server.port}/mcp"
        async with Client(url, mode="auto", read_timeout_seconds=CLIENT_READ_TIMEOUT) as client:
            counts[n] = ok_body(await client.call_tool("products_list", {"page_size": 1}))["count"]

    async with anyio.create_task_group() as group:
        for n in range(12):
            group.start_soon(session, n)
    assert len(counts) == 12 and len(set(counts.values())) == 1, counts
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=5) == 0
    assert b"threads=4" in server.proc.stderr.read()


@pytest.fixture(params=["auto", "legacy"])
def forwarding(request, mcp_binary, upstream, tmp_path) -> McpLauncher:
    return McpLauncher(binary=mcp_binary, transport="http", mode=request.param, base_url=upstream.base_url, log_dir=tmp_path)


@pytest.mark.anyio
async def test_each_user_sees_only_their_own_orders(forwarding):
    forward = ["--forward-header", "Authorization"]
    ids = {}
    for user, token in [("alice", ALICE_TOKEN), ("bob", BOB_TOKEN)]:
        async with forwarding.connect(headers={"Authorization": f"Token {token}"}, extra_args=forward) as client:
            page = ok_body(await client.call_tool("me_orders_list", {}))
            ids[user] = sorted(order["id"] for order in page["results"])
    assert ids == {"alice": [1, 2], "bob": [3]}
    async with forwarding.connect(extra_args=forward) as client:
        text = error_text(await client.call_tool("me_orders_list", {}))
    assert ("401" in text or "403" in text) and "no authorization header to forward" in text, text


@pytest.mark.anyio
async def test_forwarded_header_wins_over_the_static_credential(forwarding):
    # The env credential is bob's; the caller's forwarded header is alice's.
    async with forwarding.connect(headers={"Authorization": f"Token {ALICE_TOKEN}"}, token=BOB_TOKEN,
                                  extra_args=["--forward-header", "Authorization"]) as client:
        page = ok_body(await client.call_tool("me_orders_list", {}))
    assert sorted(order["id"] for order in page["results"]) == [1, 2]


@pytest.mark.anyio
async def test_trace_context_reaches_the_upstream(mcp_binary, tmp_path):
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    with recording_upstream() as recorder:
        launcher = McpLauncher(binary=mcp_binary, transport="http", mode="auto", base_url=recorder.url, log_dir=tmp_path)
        async with launcher.connect(headers={"traceparent": f"00-{trace}-00f067aa0ba902b7-01"}) as client:
            await client.call_tool("categories_list", {})
    sent = [r.headers.get("traceparent", "") for r in recorder.requests]
    assert len(sent) == 1 and sent[0].startswith(f"00-{trace}-") and len(sent[0]) == 55, sent


class FlakyUpstream:
    """Answers 503 to the first `failures` requests of each method, then 200 `{}`; counts them."""

    def __init__(self, failures: int) -> None:
        self.counts: dict[str, int] = {}
        self.keys: list[str | None] = []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                n = flaky.counts[self.command] = flaky.counts.get(self.command, 0) + 1
                flaky.keys.append(self.headers.get("Idempotency-Key"))
                status, body = (503, b'{"detail": "busy"}') if n <= failures else (200, b"{}")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.anyio
async def test_idempotent_requests_are_retried_and_posts_only_with_an_idempotency_key(mcp_binary, tmp_path):
    flaky = FlakyUpstream(failures=2)
    try:
        reads = McpLauncher(binary=mcp_binary, transport="stdio", mode="auto", base_url=flaky.url, log_dir=tmp_path)
        async with reads.connect() as client:
            result = await client.call_tool("categories_list", {})
        assert not result.is_error and flaky.counts["GET"] == 3, (flaky.counts, result)

        writes_bin = Path(os.environ.get("SHOP_WRITES_MCP_BIN", REPO_ROOT / "target" / "debug" / "shop-writes-mcp"))
        writes = McpLauncher(binary=writes_bin, transport="stdio", mode="auto", base_url=flaky.url, log_dir=tmp_path)
        async with writes.connect() as client:
            text = error_text(await client.call_tool("products_reviews_create", {"slug": "x", "body": {"rating": 5, "body": "ok"}}))
            assert "503" in text and flaky.counts["POST"] == 1, (flaky.counts, text)
            # products_create carries a generated Idempotency-Key: the upstream creates once
            # whatever the retries, so it is retried, with the same key each time.
            flaky.keys.clear()
            result = await client.call_tool(
                "products_create", {"body": {"name": "x", "slug": "x", "category": "books", "price": "1.00"}}
            )
        # The upstream fails the first two POSTs: the create's first attempt is the second.
        assert not result.is_error and flaky.counts["POST"] == 3, (flaky.counts, result)
        assert len(flaky.keys) == 2 and len(set(flaky.keys)) == 1 and flaky.keys[0], flaky.keys
    finally:
        flaky.close()
