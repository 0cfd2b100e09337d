"""Failures come back as tool results with isError true and a useful text, never as a hang,
a crash or a JSON-RPC protocol error."""

from __future__ import annotations

import time

import pytest

from e2e_support import closed_port_url, error_text, ok_body, recording_upstream

pytestmark = pytest.mark.anyio

BAD_ARGUMENTS = [
    pytest.param("products_list", {"page": "two"}, "page", id="wrong-type"),
    pytest.param("products_list", {"in_stock": "maybe"}, "in_stock", id="wrong-type-bool"),
    pytest.param("products_list", {"tag": "eco"}, "tag", id="scalar-for-array"),
    pytest.param("products_retrieve", {}, "slug", id="missing-required"),
    pytest.param("slow", {}, "seconds", id="missing-required-query"),
    pytest.param("products_list", {"category": "books", "bogus_field": 1}, "bogus_field", id="unknown-field"),
    # What the advertised schema states is enforced before sending, naming the field.
    pytest.param("echo_query", {"n": 500}, "`n`: 500 is above the maximum of 100", id="above-maximum"),
    pytest.param("echo_query", {"n": -101}, "`n`: -101 is below the minimum of -100", id="below-minimum"),
    pytest.param("echo_query", {"code": "usd"}, "`code`: \"usd\" does not match the pattern ^[A-Z]{3}$", id="pattern"),
]


@pytest.mark.parametrize("tool, arguments, field", BAD_ARGUMENTS)
async def test_bad_arguments_are_rejected_before_any_request(launcher, tool, arguments, field):
    with recording_upstream() as recorder:
        async with launcher.connect(base_url=recorder.url) as client:
            text = error_text(await client.call_tool(tool, arguments))
            assert field in text, f"error should name {field!r}: {text}"
            assert recorder.requests == [], "the upstream must not be called for invalid arguments"
            # Control: a valid call through the same server does reach the recorder.
            ok_body(await client.call_tool("categories_list", {}))
            assert [r.target for r in recorder.requests] == ["/api/categories/"]


async def test_an_unknown_tool_is_a_protocol_error_with_the_nearest_names(launcher):
    from mcp.shared.exceptions import MCPError

    async with launcher.connect() as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool("prodcts_list", {})
    message = str(raised.value)
    assert "unknown tool `prodcts_list`; did you mean products_list" in message, message


async def test_not_found(launcher):
    async with launcher.connect() as client:
        text = error_text(await client.call_tool("products_retrieve", {"slug": "no-such-product"}))
    assert "404" in text, text


async def test_upstream_validation_error(launcher):
    # Valid per the schema, rejected by Django: the 400 and DRF's field message surface.
    async with launcher.connect() as client:
        text = error_text(await client.call_tool("products_list", {"tag": ["no-such-tag"]}))
    assert "400" in text, text


async def test_upstream_unreachable(launcher):
    async with launcher.connect(base_url=closed_port_url()) as client:
        started = time.monotonic()
        text = error_text(await client.call_tool("categories_list", {}))
        assert time.monotonic() - started < 10
    assert "connect" in text.lower(), text


async def test_timeout(launcher):
    async with launcher.connect(timeout=1) as client:
        # Control: a fast call under the same 1 s budget succeeds.
        assert ok_body(await client.call_tool("slow", {"seconds": 0})) == {"slept": 0}
        started = time.monotonic()
        text = error_text(await client.call_tool("slow", {"seconds": 3}))
        elapsed = time.monotonic() - started
    assert "timed out" in text.lower() or "timeout" in text.lower(), text
    assert elapsed < 2.8, f"--timeout 1 was not applied: the call took {elapsed:.1f}s"
