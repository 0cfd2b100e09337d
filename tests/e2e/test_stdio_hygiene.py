"""Over stdio, stdout carries JSON-RPC only; logs go to stderr. Driven with a raw subprocess
(no SDK), so that a stray line on stdout cannot be skipped over by a tolerant client."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any

import pytest

from e2e_support import ALICE_TOKEN, LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION, server_env, stop_process

RESPONSE_TIMEOUT = 20.0

CLIENT_INFO = {"name": "e2e-raw-stdio", "version": "0.0.0"}

CALLS = [
    ("tools/list", {}),
    ("tools/call", {"name": "products_retrieve", "arguments": {"slug": "o-brien-ñ"}}),
    ("tools/call", {"name": "products_retrieve", "arguments": {"slug": "no-such-product"}}),  # upstream 404
    ("tools/call", {"name": "products_list", "arguments": {"page": "two"}}),  # invalid arguments
    ("tools/call", {"name": "me_orders_list", "arguments": {}}),  # sends the credential upstream
]


class RawStdio:
    def __init__(self, cmd: list[str], env: dict[str, str], stderr_path) -> None:
        self._stderr = stderr_path.open("wb")
        self.proc = subprocess.Popen(
            cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        self.lines: list[bytes] = []
        self._queue: queue.Queue[Any] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        self.proc.stdin.flush()

    def wait_for(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        deadline = time.monotonic() + RESPONSE_TIMEOUT
        while ids - set(found):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no response for ids {sorted(ids - set(found))}; stdout so far: {self.lines!r}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"server closed stdout (exit {self.proc.poll()}); stdout: {self.lines!r}")
            try:
                msg = json.loads(line)
            except ValueError:
                continue  # reported by the line check at the end
            if isinstance(msg, dict) and msg.get("id") in ids and ("result" in msg or "error" in msg):
                found[msg["id"]] = msg
        return found

    def close(self) -> None:
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stop_process(self.proc)
        self._reader.join(timeout=5)
        self._stderr.close()


def _meta(version: str) -> dict[str, Any]:
    return {
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
        "io.modelcontextprotocol/clientCapabilities": {},
    }


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_stdout_is_only_json_rpc(mcp_binary, upstream, tmp_path, era):
    # The most verbose logging there is, with a credential in use: stdout must stay clean and the
    # credential must not appear in the logs.
    env = server_env({"RUST_LOG": "trace", "RUST_BACKTRACE": "1", "SHOP_MCP_TOKEN_AUTH": f"Token {ALICE_TOKEN}"})
    raw = RawStdio([str(mcp_binary), "--base-url", upstream.base_url], env, tmp_path / "stderr.log")
    try:
        if era == "legacy":
            raw.send(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": LEGACY_PROTOCOL_VERSION,
                        "capabilities": {},
                        "clientInfo": CLIENT_INFO,
                    },
                }
            )
            first = raw.wait_for({1})[1]
            assert first.get("result", {}).get("protocolVersion") == LEGACY_PROTOCOL_VERSION, first
            raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            extra = lambda: {}  # noqa: E731
        else:
            raw.send(
                {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": _meta(MODERN_PROTOCOL_VERSION)}}
            )
            first = raw.wait_for({1})[1]
            assert MODERN_PROTOCOL_VERSION in first.get("result", {}).get("supportedVersions", []), first
            extra = lambda: {"_meta": _meta(MODERN_PROTOCOL_VERSION)}  # noqa: E731

        ids = set()
        for n, (method, params) in enumerate(CALLS, start=2):
            raw.send({"jsonrpc": "2.0", "id": n, "method": method, "params": {**params, **extra()}})
            ids.add(n)
        responses = raw.wait_for(ids)
    finally:
        raw.close()

    assert "result" in responses[2] and responses[2]["result"]["tools"], responses[2]
    assert responses[3]["result"].get("isError") in (None, False), responses[3]
    assert responses[4]["result"]["isError"] is True, responses[4]
    assert responses[5]["result"]["isError"] is True, responses[5]
    assert responses[6]["result"].get("isError") in (None, False), responses[6]
    assert responses[6]["result"]["structuredContent"]["count"] == 2, responses[6]

    logs = (tmp_path / "stderr.log").read_bytes()
    assert logs, "the server logged nothing to stderr at RUST_LOG=trace"
    assert ALICE_TOKEN.encode() not in logs, "the credential appeared in the server's logs"

    assert raw.lines, "nothing on stdout"
    for line in raw.lines:
        assert line.endswith(b"\n"), f"unterminated stdout line: {line!r}"
        try:
            msg = json.loads(line)
        except ValueError:
            pytest.fail(f"non-JSON line on stdout: {line[:300]!r}")
        messages = msg if isinstance(msg, list) else [msg]
        for m in messages:
            assert isinstance(m, dict) and m.get("jsonrpc") == "2.0", f"not a JSON-RPC message: {line[:300]!r}"


def test_help_goes_to_stdout_and_names_this_servers_variables(mcp_binary):
    done = subprocess.run([str(mcp_binary), "--help"], env=server_env(), capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("shop-mcp 0.1.0: the Shop API as MCP tools, generated by spec2mcp"), done.stdout
    for flag in ("--transport <stdio|http>", "--base-url <URL>", "--forward-header", "--mode <operations|dynamic>"):
        assert flag in done.stdout, flag
    assert "<PREFIX>" not in done.stdout, done.stdout
    for variable in ("SHOP_MCP_BASE_URL", "SHOP_MCP_TIMEOUT", "SHOP_MCP_TOKEN_AUTH", "SHOP_MCP_COOKIE_AUTH"):
        assert f"  {variable}\n" in done.stdout, variable


def test_version_goes_to_stdout_and_exits_zero(mcp_binary):
    done = subprocess.run([str(mcp_binary), "--version"], env=server_env(), capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("shop-mcp 0.1.0 (generated by spec2mcp "), done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--transport", "tcp"], "invalid value `tcp` for `--transport`: expected `stdio` or `http`"),
        (["--base_url", "http://x"], "unexpected argument `--base_url`; did you mean `--base-url`?"),
        (["--timeout"], "`--timeout` needs a value"),
        (["--retries=-1"], "invalid value `-1` for `--retries`: expected a whole number"),
    ],
)
def test_a_bad_command_line_is_named_on_stderr_and_stdout_stays_empty(mcp_binary, args, message):
    # Nothing may reach stdout (a stdio client would read it as protocol), and the exit status is
    # the usual 2 for a usage error, before any upstream or transport is touched.
    done = subprocess.run([str(mcp_binary), *args], env=server_env(), capture_output=True, text=True, timeout=20)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stdout == ""
    assert message in done.stderr, done.stderr
    assert "--help" in done.stderr


@pytest.mark.parametrize("base_url", ["localhost:8000", "http://127.0.0.1:8000/api?x=1"])
def test_an_unusable_base_url_stops_the_server_at_start_with_the_reason(mcp_binary, base_url):
    done = subprocess.run(
        [str(mcp_binary), "--base-url", base_url], env=server_env(), capture_output=True, text=True, timeout=20, input=""
    )
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert done.stdout == ""
    assert f"the upstream base URL {json.dumps(base_url)} cannot be used" in done.stderr, done.stderr
