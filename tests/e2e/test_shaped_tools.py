"""Tools shaped by spec2mcp.toml: the `shop-shaped-mcp` golden crate is the example schema generated
with tests/fixtures/shop-shaped.spec2mcp.toml (a naming template, a rename, a POST search marked
read-only, a fixed page size, a default order, a hidden filter, a pattern over templated names).
Binary from SHOP_SHAPED_MCP_BIN (default target/debug/shop-shaped-mcp)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from e2e_support import REPO_ROOT, McpLauncher, error_text, ok_body, recording_upstream

pytestmark = pytest.mark.anyio

GOLDEN = REPO_ROOT / "tests" / "goldens" / "shop-shaped"


@pytest.fixture
def shaped(upstream, tmp_path) -> McpLauncher:
    binary = Path(os.environ.get("SHOP_SHAPED_MCP_BIN", REPO_ROOT / "target" / "debug" / "shop-shaped-mcp"))
    if not binary.is_file():
        pytest.fail(f"{binary} not found: build it with `cargo build -p shop-shaped-mcp`", pytrace=False)
    return McpLauncher(binary=binary, transport="stdio", mode="auto", base_url=upstream.base_url, log_dir=tmp_path)


async def test_names_follow_the_template_and_rename_wins(shaped):
    async with shaped.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert sorted(tools) == [
        "shop_echo",  # [rename] echo_query
        "shop_get_list_categories",
        "shop_get_list_echo_headers",
        "shop_get_list_orders",
        "shop_get_list_products",
        "shop_get_list_reviews",
        "shop_get_list_slow",
        "shop_get_retrieve_categories",
        "shop_get_retrieve_echo",
        "shop_get_retrieve_orders",
        "shop_get_retrieve_products",
        # DRF's action name for the @action(detail=False) `search`, and the POST it is sent with.
        "shop_post_search_products",
    ]
    # The needs index speaks the new names.
    assert "slug: from shop_get_list_products" in tools["shop_get_retrieve_products"].description
    # tools.json, the contract drift checks compare, shows the same.
    manifest = json.loads((GOLDEN / "tools.json").read_text())
    assert sorted(t["name"] for t in manifest["tools"]) == sorted(tools)


async def test_a_post_search_marked_read_only_is_a_read_only_tool(shaped):
    async with shaped.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        search = tools["shop_post_search_products"]
        # Only GET is enabled; the config marked this POST as the read it is.
        assert search.annotations.read_only_hint is True
        # (MCP leaves the destructive hint unsaid for a read-only tool.)
        assert not search.annotations.destructive_hint
        assert search.title == "Search products"
        found = ok_body(await client.call_tool("shop_post_search_products", {"body": {"text": "keyboard"}}))
    assert [p["slug"] for p in found] == ["mechanical-keyboard"]


async def test_fixed_default_and_hidden_arguments(shaped):
    async with shaped.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        listing = tools["shop_get_list_products"]
        assert listing.title == "Browse the catalogue"
        assert listing.description.startswith("Products for sale, two a page.")
        properties = listing.input_schema["properties"]
        # Fixed and hidden arguments are not advertised; the default is.
        assert "page_size" not in properties and "max_price" not in properties
        assert properties["ordering"]["default"] == "price"
        assert "cheapest first" in properties["ordering"]["description"]

        page = ok_body(await client.call_tool("shop_get_list_products", {}))
        prices = [float(p["price"]) for p in page["results"]]
        assert len(prices) == 2 and prices == sorted(prices), page
        query = parse_qs(urlsplit(page["next"]).query)
        assert query["page_size"] == ["2"] and query["ordering"] == ["price"], page["next"]

        # The agent's own order replaces the default; the fixed page size stays.
        page = ok_body(await client.call_tool("shop_get_list_products", {"ordering": "-price"}))
        prices = [float(p["price"]) for p in page["results"]]
        assert len(prices) == 2 and prices == sorted(prices, reverse=True), page

        # A fixed or hidden argument cannot be set: an error naming it.
        for name, value in [("page_size", 50), ("max_price", 10)]:
            text = error_text(await client.call_tool("shop_get_list_products", {name: value}))
            assert f"unknown field `{name}`" in text, text


async def test_exactly_the_configured_values_reach_the_upstream(shaped):
    with recording_upstream() as recorder:
        async with shaped.connect(base_url=recorder.url) as client:
            await client.call_tool("shop_get_list_products", {"category": "books"})
    assert [r.target for r in recorder.requests] == ["/api/products/?category=books&ordering=price&page_size=2"]


async def test_a_pattern_reaches_every_tool_it_matches(shaped):
    async with shaped.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for name in ["shop_get_list_orders", "shop_get_retrieve_orders"]:
        assert tools[name].description.startswith("The orders of the caller"), name
