"""The large-API mode (`--mode dynamic`): three meta tools instead of one tool per operation,
over both transports and both client modes, against the real Django app. Calls go through the
same typed inputs as the per-operation tools, so they answer the same and fail the same."""

from __future__ import annotations

import json

import pytest

from e2e_support import error_text, ok_body

pytestmark = pytest.mark.anyio

DYNAMIC = ["--mode", "dynamic"]
META = {"search_operations", "describe_operation", "call_operation"}


async def test_tools_list_is_three_small_meta_tools(launcher, get_ops):
    async with launcher.connect(extra_args=DYNAMIC) as client:
        tools = (await client.list_tools()).tools
    assert {t.name for t in tools} == META
    listing = json.dumps([t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in tools])
    assert len(listing) < 4096, f"the meta tools' listing is {len(listing)} bytes"
    by_name = {t.name: t for t in tools}
    assert by_name["search_operations"].annotations.read_only_hint is True
    # The example generates GET operations only, so calling one cannot change anything.
    assert by_name["call_operation"].annotations.read_only_hint is True
    assert str(len(get_ops)) in by_name["search_operations"].description


async def test_search_finds_operations_by_words(launcher):
    async with launcher.connect(extra_args=DYNAMIC) as client:
        found = ok_body(await client.call_tool("search_operations", {"query": "product reviews"}))
        assert found["operations"][0]["name"] == "products_reviews_list", found
        assert found["operations"][0]["path"] == "/api/products/{slug}/reviews/"
        by_tag = ok_body(await client.call_tool("search_operations", {"query": "categories", "limit": 1}))
        assert [o["name"] for o in by_tag["operations"]] == ["categories_list"]
        assert by_tag["matches"] >= 2
        # A field of the answer finds the tool that returns it: only a review has a rating.
        rated = ok_body(await client.call_tool("search_operations", {"query": "ratings"}))
        assert [o["name"] for o in rated["operations"]] == ["products_reviews_list"], rated
        # What is asked for outranks its context: the reviews of a product, not the product.
        reviews = ok_body(await client.call_tool("search_operations", {"query": "the reviews of a product"}))
        assert reviews["operations"][0]["name"] == "products_reviews_list", reviews
        none = ok_body(await client.call_tool("search_operations", {"query": "zebra"}))
        assert none["operations"] == [] and none["matches"] == 0


async def test_describe_gives_the_same_tool_as_the_per_operation_listing(launcher):
    async with launcher.connect() as client:
        per_operation = {t.name: t for t in (await client.list_tools()).tools}
    async with launcher.connect(extra_args=DYNAMIC) as client:
        described = ok_body(await client.call_tool("describe_operation", {"name": "products_list"}))
    expected = per_operation["products_list"].model_dump(by_alias=True, mode="json", exclude_none=True)
    assert described["inputSchema"] == expected["inputSchema"]
    assert described["outputSchema"] == expected["outputSchema"]
    assert described["description"] == expected["description"]


async def test_call_operation_answers_like_the_tool_itself(launcher, upstream):
    args = {"category": "books", "ordering": "price"}
    async with launcher.connect() as client:
        direct = ok_body(await client.call_tool("products_list", args))
    async with launcher.connect(extra_args=DYNAMIC) as client:
        via_meta = ok_body(await client.call_tool("call_operation", {"name": "products_list", "arguments": args}))
        slug = ok_body(
            await client.call_tool("call_operation", {"name": "products_retrieve", "arguments": {"slug": "o-brien-ñ"}})
        )
    assert via_meta == direct
    status, expected = upstream.get("/api/products/?category=books&ordering=price")
    assert status == 200 and via_meta == expected
    assert slug["slug"] == "o-brien-ñ"


async def test_call_operation_errors_name_the_field(launcher):
    async with launcher.connect(extra_args=DYNAMIC) as client:
        unknown = error_text(await client.call_tool("call_operation", {"name": "product_list"}))
        assert "`name`" in unknown and "products_list" in unknown, unknown
        bad_arg = error_text(
            await client.call_tool("call_operation", {"name": "products_list", "arguments": {"min_price": "cheap"}})
        )
        assert "min_price" in bad_arg and "Nothing was sent" in bad_arg, bad_arg
        not_object = error_text(await client.call_tool("call_operation", {"name": "products_list", "arguments": [1]}))
        assert "`arguments`" in not_object, not_object
        bad_limit = error_text(await client.call_tool("search_operations", {"query": "x", "limit": 0}))
        assert "`limit`" in bad_limit, bad_limit
        # An unknown argument of a meta tool is named with the ones it has, like a tool's own.
        extra = error_text(await client.call_tool("search_operations", {"query": "x", "bogus": 1}))
        assert "unknown field `bogus`, expected one of `query`, `limit`" in extra, extra
        assert "field ``" not in extra, extra
        misspelt = error_text(
            await client.call_tool("call_operation", {"name": "products_list", "arguments": {"catgory": "books"}})
        )
        assert "unknown field `catgory`" in misspelt and "`category`" in misspelt, misspelt
        upstream_404 = error_text(
            await client.call_tool("call_operation", {"name": "products_retrieve", "arguments": {"slug": "no-such"}})
        )
        assert "404" in upstream_404, upstream_404
