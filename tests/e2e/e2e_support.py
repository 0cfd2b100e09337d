"""Shared helpers for the end-to-end suite: paths, seeded credentials, process control and
assertions on MCP tool results. Imported by conftest.py and the test modules."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import yaml
from mcp import Client
from mcp.client.stdio import StdioServerParameters, get_default_environment, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO_ROOT / "example"
SCHEMA_PATH = EXAMPLE_DIR / "schema.yml"
DEFAULT_BINARY = REPO_ROOT / "target" / "debug" / "shop-mcp"

# Seeded by `manage.py seed` (example/catalog/management/commands/seed.py).
ALICE_TOKEN = "a11ce0000000000000000000000000000000a11c"
BOB_TOKEN = "b0b00000000000000000000000000000000000b0"

# The generated server's environment prefix (crate `shop-mcp`).
ENV_PREFIX = "SHOP_MCP_"

LEGACY_PROTOCOL_VERSION = "2025-11-25"
MODERN_PROTOCOL_VERSION = "2026-07-28"

CLIENT_READ_TIMEOUT = 30.0
SERVER_START_TIMEOUT = 20.0

_counter = itertools.count(1)


def binary_path() -> Path:
    return Path(os.environ.get("SHOP_MCP_BIN") or DEFAULT_BINARY)


def load_schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def get_operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """operationId -> GET operation (with path-level parameters merged in)."""
    ops: dict[str, dict[str, Any]] = {}
    for path, item in schema["paths"].items():
        op = item.get("get")
        if op is None:
            continue
        params = {(p["name"], p["in"]): p for p in item.get("parameters", [])}
        params.update({(p["name"], p["in"]): p for p in op.get("parameters", [])})
        ops[op["operationId"]] = {**op, "path": path, "parameters": list(params.values())}
    return ops


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port_url() -> str:
    """A base URL nothing listens on (the port was just free)."""
    return f"http://127.0.0.1:{free_port()}"


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the MCP server gets: the SDK's small safe default set (no proxies, no
    inherited SHOP_MCP_* settings) plus what the test passes. Used for both transports, so the
    stdio and HTTP runs see the same configuration."""
    env = get_default_environment()
    env.update(extra or {})
    return env


def stop_process(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


# --------------------------------------------------------------------------------------
# Tool-result assertions
# --------------------------------------------------------------------------------------


def result_text(result: Any) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def describe(result: Any) -> str:
    return json.dumps(result.model_dump(by_alias=True, mode="json", exclude_none=True), ensure_ascii=False)[:2000]


def ok_body(result: Any) -> Any:
    """Assert a successful tool result and return the upstream JSON body it carries.

    Contract: isError false; structuredContent is the body if it is an object, else
    {"result": body}; and a text block holds the JSON."""
    assert not result.is_error, f"tool returned isError: {describe(result)}"
    structured = result.structured_content
    assert isinstance(structured, dict), f"structuredContent missing or not an object: {describe(result)}"
    texts = [b.text for b in result.content if getattr(b, "type", None) == "text"]
    assert texts, f"no text content block: {describe(result)}"
    parsed = []
    for text in texts:
        try:
            parsed.append(json.loads(text))
        except ValueError:
            pass
    body = structured["result"] if set(structured) == {"result"} else structured
    # The text block may hold the body itself or the structured (wrapped) form.
    assert body in parsed or structured in parsed, (
        f"no text block holds the JSON body: texts={texts!r} structured={structured!r}"
    )
    return body


def error_text(result: Any) -> str:
    """Assert a failed tool result (isError true) and return its text."""
    assert result.is_error, f"expected isError true, got: {describe(result)}"
    text = result_text(result)
    assert text.strip(), f"error result has no text: {describe(result)}"
    return text


def slugs(page: dict[str, Any]) -> list[str]:
    return [item["slug"] for item in page["results"]]


# --------------------------------------------------------------------------------------
# Launching the MCP server and connecting the Python SDK client
# --------------------------------------------------------------------------------------


@dataclass
class McpLauncher:
    """Starts the generated server on one transport and connects `mcp.Client` in one mode.

    transport: "stdio" or "http"; mode: the SDK Client's mode, "auto" (probes
    server/discover, 2026-07-28) or "legacy" (initialize, 2025-11-25)."""

    binary: Path
    transport: str
    mode: str
    base_url: str
    log_dir: Path
    logs: list[Path] = field(default_factory=list)

    def command(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        base_url_via_env: bool = False,
        extra_env: dict[str, str] | None = None,
        extra_args: list[str] | None = None,
    ) -> tuple[list[str], dict[str, str]]:
        args: list[str] = list(extra_args or [])
        env: dict[str, str] = dict(extra_env or {})
        url = self.base_url if base_url is None else base_url
        if base_url_via_env:
            env[f"{ENV_PREFIX}BASE_URL"] = url
        else:
            args += ["--base-url", url]
        if token is not None:
            # drf-spectacular's tokenAuth is an apiKey in header Authorization: sent as-is.
            env[f"{ENV_PREFIX}TOKEN_AUTH"] = f"Token {token}"
        if timeout is not None:
            args += ["--timeout", str(timeout)]
        return args, env

    @asynccontextmanager
    async def connect(self, headers: dict[str, str] | None = None, **options: Any) -> AsyncIterator[Client]:
        """Starts the server and connects; `headers` go on every MCP HTTP request (http only)."""
        args, env = self.command(**options)
        n = next(_counter)
        stderr_path = self.log_dir / f"mcp-{self.transport}-{self.mode}-{n}.stderr.log"
        self.logs.append(stderr_path)
        if self.transport == "stdio":
            with stderr_path.open("w", encoding="utf-8") as errlog:
                params = StdioServerParameters(command=str(self.binary), args=args, env=env, cwd=str(self.log_dir))
                async with Client(
                    stdio_client(params, errlog=errlog), mode=self.mode, read_timeout_seconds=CLIENT_READ_TIMEOUT
                ) as client:
                    yield client
        elif self.transport == "http":
            port = free_port()
            cmd = [str(self.binary), *args, "--transport", "http", "--listen", f"127.0.0.1:{port}"]
            with stderr_path.open("w", encoding="utf-8") as errlog:
                proc = subprocess.Popen(
                    cmd,
                    env=server_env(env),
                    cwd=str(self.log_dir),
                    stdin=subprocess.DEVNULL,
                    stdout=errlog,
                    stderr=errlog,
                )
                try:
                    await self._wait_listening(proc, port, stderr_path)
                    url = f"http://127.0.0.1:{port}/mcp"
                    server = (
                        streamable_http_client(url, http_client=create_mcp_http_client(headers=headers)) if headers else url
                    )
                    async with Client(server, mode=self.mode, read_timeout_seconds=CLIENT_READ_TIMEOUT) as client:
                        yield client
                finally:
                    stop_process(proc)
        else:  # pragma: no cover
            raise ValueError(self.transport)

    async def _wait_listening(self, proc: subprocess.Popen, port: int, stderr_path: Path) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(
                    f"MCP server exited with {proc.returncode} before listening on {port}: "
                    f"{' '.join(map(str, proc.args))}\n--- stderr ---\n{stderr_path.read_text()[-4000:]}"
                )
            if port_open(port):
                return
            await anyio.sleep(0.05)
        raise AssertionError(
            f"MCP server did not listen on 127.0.0.1:{port} within {SERVER_START_TIMEOUT}s\n"
            f"--- stderr ---\n{stderr_path.read_text()[-4000:]}"
        )

    def tail_logs(self, limit: int = 4000) -> str:
        out = []
        for path in self.logs[-3:]:
            if path.exists():
                out.append(f"--- {path.name} ---\n{path.read_text(errors='replace')[-limit:]}")
        return "\n".join(out)


# --------------------------------------------------------------------------------------
# A recording upstream: proves whether the server called the API at all
# --------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    target: str
    headers: dict[str, str]


class RecordingUpstream:
    """A loopback HTTP server that answers every request with 200 `{}` and records it."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                recorder.requests.append(RecordedRequest(self.command, self.path, dict(self.headers.items())))
                body = b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def recording_upstream() -> Iterator[RecordingUpstream]:
    with RecordingUpstream() as upstream:
        yield upstream
