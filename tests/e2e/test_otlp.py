"""The optional `otlp` cargo feature: tool-call spans exported over OTLP/HTTP to a loopback
receiver, in the caller's trace, and the upstream request's `traceparent` naming the exported
span. Binary from SHOP_MCP_OTLP_BIN (default target/debug/shop-mcp-otlp: shop-mcp built with
`--features otlp`)."""

from __future__ import annotations

import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from e2e_support import REPO_ROOT, McpLauncher, recording_upstream

pytestmark = pytest.mark.anyio


class OtlpReceiver:
    """Records the bodies POSTed to /v1/traces (protobuf) and answers 200."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/v1/traces":
                    receiver.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_spans_are_exported_in_the_callers_trace(tmp_path):
    binary = Path(os.environ.get("SHOP_MCP_OTLP_BIN", REPO_ROOT / "target" / "debug" / "shop-mcp-otlp"))
    if not binary.is_file():
        pytest.fail(f"{binary} not found: `cargo build -p shop-mcp --features otlp` and copy the binary there", pytrace=False)
    trace = "5bf92f3577b34da6a3ce929d0e0e4737"
    receiver = OtlpReceiver()
    try:
        with recording_upstream() as upstream:
            launcher = McpLauncher(binary=binary, transport="http", mode="auto", base_url=upstream.url, log_dir=tmp_path)
            async with launcher.connect(
                headers={"traceparent": f"00-{trace}-00f067aa0ba902b7-01"},
                extra_env={"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url},
            ) as client:
                result = await client.call_tool("categories_list", {})
                assert not result.is_error
            # Leaving the block sends SIGTERM; the server flushes its spans on the way out.
        sent = upstream.requests[0].headers.get("traceparent", "")
        assert sent.startswith(f"00-{trace}-"), sent
        span_id = sent.split("-")[2]
    finally:
        receiver.close()
    exported = b"".join(receiver.bodies)
    assert exported, "no spans reached the OTLP receiver"
    assert bytes.fromhex(trace) in exported, "the exported span is not in the caller's trace"
    assert bytes.fromhex(span_id) in exported, "the upstream traceparent names a span that was not exported"
    assert b"tool_call" in exported and b"shop-mcp" in exported
