"""The build.rs-mode example (`example/buildrs-server`): the generated tools and a hand-written
tool in one tools/list, and the hand-written tool calling the API through a generated input
struct. Binary from BUILDRS_BIN (default target/debug/buildrs-server)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from e2e_support import REPO_ROOT, McpLauncher, error_text, ok_body

pytestmark = pytest.mark.anyio


@pytest.fixture
def buildrs(upstream, tmp_path, request) -> McpLauncher:
    binary = Path(os.environ.get("BUILDRS_BIN", REPO_ROOT / "target" / "debug" / "buildrs-server"))
    if not binary.is_file():
        pytest.fail(f"{binary} not found: build it with `cargo build -p buildrs-server`", pytrace=False)
    return McpLauncher(binary=binary, transport="stdio", mode=request.param, base_url=upstream.base_url, log_dir=tmp_path)


@pytest.mark.parametrize("buildrs", ["auto", "legacy"], indirect=True)
async def test_generated_and_hand_written_tools_are_served_together(buildrs, get_ops):
    async with buildrs.connect() as client:
        names = sorted(tool.name for tool in (await client.list_tools()).tools)
    assert names == sorted([*get_ops, "products_price_summary"])


@pytest.mark.parametrize("buildrs", ["auto"], indirect=True)
async def test_hand_written_tool_uses_the_generated_input(buildrs, upstream):
    async with buildrs.connect() as client:
        summary = ok_body(await client.call_tool("products_price_summary", {"category": "books", "max_price": 40}))
        bad = error_text(await client.call_tool("products_price_summary", {"max_price": "cheap"}))
    _, page = upstream.get("/api/products/?category=books&max_price=40")
    prices = [Decimal(p["price"]) for p in page["results"]]
    assert prices, "the seeded data has books under 40"
    assert summary["count"] == len(prices)
    assert Decimal(str(summary["min"])) == min(prices)
    assert Decimal(str(summary["max"])) == max(prices)
    assert summary["filters"] == {"min_price": None, "max_price": 40.0}
    assert "max_price" in bad
