"""Tools an agent can choose, chain and recover with, against the example app: descriptions that
tell tools apart, the needs/yields index, classified errors with the tool that fixes them,
identifier lookup (a read resolves one match, a write never does), lossless conversions, and the
next page's arguments (from DRF's `next`, or from a `Link` header)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import pytest

from e2e_support import ALICE_TOKEN, REPO_ROOT, error_text, ok_body
from test_writes import staff_env, writes  # noqa: F401  (the fixture)

pytestmark = pytest.mark.anyio


def meta(result, key):
    return (result.meta or {}).get(key)


async def test_descriptions_tell_the_tools_apart_and_say_what_is_derived(launcher):
    async with launcher.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    descriptions = [t.description for t in tools.values()]
    assert len(set(descriptions)) == len(descriptions), "two tools share a description"
    categories = tools["categories_retrieve"]
    assert categories.title == "Get one category"
    assert categories.description.startswith("Get one category by its slug. Returns Category: id, name, slug.")
    assert "slug: from categories_list." in categories.description
    assert categories.meta["spec2mcp/derived"] == ["title", "description"]
    # The spec's own text is kept where it is specific.
    assert tools["products_list"].title == "List products"
    assert "spec2mcp/derived" not in (tools["products_list"].meta or {})


async def test_the_needs_yields_index_is_in_meta_describe_and_the_manifest(launcher):
    async with launcher.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    needs = tools["products_retrieve"].meta["spec2mcp/needs"]
    assert needs == [{"argument": "slug", "resource": "Product", "field": "slug", "from": ["products_list"],
                      "search": {"tool": "products_list", "argument": "search"}}]
    yields = tools["products_list"].meta["spec2mcp/yields"]
    assert {"resource": "Product", "field": "slug", "at": "results[].slug"} in yields
    async with launcher.connect(extra_args=["--mode", "dynamic"]) as client:
        described = ok_body(await client.call_tool("describe_operation", {"name": "products_retrieve"}))
    assert described["_meta"]["spec2mcp/needs"] == needs
    manifest = json.loads((REPO_ROOT / "generated-example/tools.json").read_text())
    entry = next(t for t in manifest["tools"] if t["name"] == "products_retrieve")
    assert entry["needs"][0]["from"] == ["products_list"]


async def test_a_404_says_its_kind_and_the_tool_that_gives_valid_identifiers(launcher):
    async with launcher.connect() as client:
        result = await client.call_tool("products_retrieve", {"slug": "no-such-product"})
    text = error_text(result)
    assert "[not_found] Retrying unchanged will fail the same way." in text, text
    assert "call `products_list` (its `search` argument finds one by words)" in text, text
    error = meta(result, "spec2mcp/error")
    assert error == {"kind": "not_found", "retryable": False,
                     "fix": {"tool": "products_list", "argument": "slug", "search": "search"}}


async def test_a_timeout_is_retryable(launcher):
    async with launcher.connect(timeout=1) as client:
        result = await client.call_tool("slow", {"seconds": 3})
    assert meta(result, "spec2mcp/error") == {"kind": "timeout", "retryable": True}, result


async def test_a_read_resolves_a_name_to_the_one_matching_identifier(launcher):
    async with launcher.connect() as client:
        result = await client.call_tool("products_retrieve", {"slug": "Mechanical Keyboard"})
    product = ok_body(result)
    assert product["slug"] == "mechanical-keyboard"
    texts = " ".join(b.text for b in result.content)
    assert '`slug` "Mechanical Keyboard" was resolved to "mechanical-keyboard" by `products_list`' in texts, texts
    assert meta(result, "spec2mcp/resolved") == [{
        "argument": "slug", "given": "Mechanical Keyboard", "resolved": "mechanical-keyboard",
        "via": {"tool": "products_list", "argument": "search"}, "label": "Mechanical Keyboard",
    }]


async def test_a_title_where_an_integer_id_belongs_is_looked_up(launcher):
    async with launcher.connect(token=ALICE_TOKEN) as client:
        result = await client.call_tool("me_orders_retrieve", {"id": "gift wrap"})
    order = ok_body(result)
    assert order["note"] == "Gift wrap, please.", order
    assert meta(result, "spec2mcp/resolved")[0]["given"] == "gift wrap"


async def test_an_ambiguous_name_lists_the_candidates(launcher):
    async with launcher.connect() as client:
        text = error_text(await client.call_tool("products_retrieve", {"slug": "litres"}))
    assert "finds several:" in text and '"watering-can"' in text and '"compost-bin"' in text, text


async def test_a_write_never_resolves_it_gets_the_candidates(writes, writable_upstream):  # noqa: F811
    async with writes.connect(extra_env=staff_env()) as client:
        text = error_text(await client.call_tool(
            "products_partial_update", {"slug": "Mechanical Keyboard", "body": {"price": "1.00"}}
        ))
    assert "404" in text and "does not pick one" in text and '"mechanical-keyboard"' in text, text
    assert writable_upstream.get("/api/products/mechanical-keyboard/")[1]["price"] == "89.50", "nothing changed"


async def test_a_lossless_value_is_converted_and_said(launcher):
    async with launcher.connect() as client:
        result = await client.call_tool("products_list", {"page_size": "2", "in_stock": "true"})
    page = ok_body(result)
    assert len(page["results"]) == 2
    converted = meta(result, "spec2mcp/converted")
    assert {"field": "page_size", "from": "2", "to": 2} in converted, converted
    texts = " ".join(b.text for b in result.content)
    assert "converted without loss" in texts
    async with launcher.connect(extra_args=["--strict-arguments"]) as client:
        strict = await client.call_tool("products_list", {"page_size": "2"})
    assert "page_size" in error_text(strict)
    async with launcher.connect() as client:
        lossy = error_text(await client.call_tool("products_list", {"page_size": "2.5"}))
    assert "page_size" in lossy


async def test_a_page_gives_the_arguments_of_the_next_one(launcher, upstream):
    async with launcher.connect() as client:
        first = await client.call_tool("products_list", {"page_size": 2, "category": "books"})
        following = meta(first, "spec2mcp/next")["arguments"]
        assert following == {"page_size": 2, "category": "books", "page": 2}
        second = ok_body(await client.call_tool("products_list", following))
    assert second == upstream.get("/api/products/?category=books&page=2&page_size=2")[1]


async def test_max_pages_fetches_several_pages_in_one_read(launcher, upstream):
    async with launcher.connect(extra_args=["--max-pages", "5"]) as client:
        result = await client.call_tool("products_list", {"page_size": 3})
    page = ok_body(result)
    assert len(page["results"]) == upstream.get("/api/products/")[1]["count"] == 8
    assert page["next"] is None
    assert "3 pages fetched (8 items)" in " ".join(b.text for b in result.content)


class LinkPagedUpstream:
    """A small upstream paginating with a `Link` header (as GitHub and Sentry do) instead of DRF's
    `next` field, answering GET /api/products/."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body = json.dumps({"results": [{"slug": "a"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Link", f'<http://{self.headers["Host"]}/api/products/?page=2&search=a>; rel="next"')
                self.send_header("X-Total-Count", "2")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


async def test_a_link_header_gives_the_next_page_and_is_passed_on(launcher):
    linked = LinkPagedUpstream()
    try:
        async with launcher.connect(base_url=linked.url) as client:
            result = await client.call_tool("products_list", {"search": "a"})
    finally:
        linked.server.shutdown()
    assert meta(result, "spec2mcp/next") == {"arguments": {"search": "a", "page": 2}}
    headers = meta(result, "spec2mcp/headers")
    assert headers["x-total-count"] == "2" and 'rel="next"' in headers["link"], headers
