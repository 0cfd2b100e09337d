"""Successful tool calls against the seeded upstream: filters, pagination, unicode slugs,
encoding of path/query/header parameters, credentials."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

import pytest

from e2e_support import ALICE_TOKEN, BOB_TOKEN, error_text, ok_body, result_text, slugs

pytestmark = pytest.mark.anyio


async def test_filtered_list(launcher, upstream):
    async with launcher.connect() as client:
        page = ok_body(await client.call_tool("products_list", {"category": "books", "min_price": 20}))
        assert page["count"] == 2
        assert slugs(page) == ["django-for-beginners", "rust-in-action"]
        assert page["next"] is None and page["previous"] is None
        # The whole envelope is passed through untouched.
        assert page == upstream.get("/api/products/?category=books&min_price=20")[1]
        # DRF answers compact JSON, so the text block is its body byte for byte (prices as
        # the strings Django wrote, no re-serialization).
        result = await client.call_tool("products_list", {"category": "books", "min_price": 20})
        assert result_text(result) == upstream.get_bytes("/api/products/?category=books&min_price=20").decode()

        page = ok_body(await client.call_tool("products_list", {"category": "books", "in_stock": False}))
        assert slugs(page) == ["o-brien-ñ"]

        # Decimal bounds: 9.99 must reach Django as 9.99 (not 9.9900000001), both ends inclusive.
        page = ok_body(await client.call_tool("products_list", {"min_price": 9.99, "max_price": 15}))
        assert slugs(page) == ["o-brien-ñ", "usb-c-cable", "watering-can"]
        page = ok_body(await client.call_tool("products_list", {"max_price": 9.99}))
        assert slugs(page) == ["usb-c-cable"]
        page = ok_body(await client.call_tool("products_list", {"min_price": 49.99}))
        assert slugs(page) == ["mechanical-keyboard", "noise-cancelling-headphones", "rust-in-action"]


async def test_multi_value_filter(launcher):
    async with launcher.connect() as client:
        page = ok_body(await client.call_tool("products_list", {"tag": ["eco", "gift"]}))
        assert slugs(page) == ["compost-bin", "noise-cancelling-headphones", "rust-in-action", "watering-can"]
        page = ok_body(await client.call_tool("products_list", {"tag": ["eco"], "category": "garden"}))
        assert slugs(page) == ["compost-bin", "watering-can"]


async def test_search_ordering_pagination(launcher, upstream):
    async with launcher.connect() as client:
        page = ok_body(await client.call_tool("products_list", {"search": "keyboard"}))
        assert slugs(page) == ["mechanical-keyboard"]

        page = ok_body(await client.call_tool("products_list", {"ordering": "-price"}))
        prices = [float(p["price"]) for p in page["results"]]
        assert prices == sorted(prices, reverse=True) and slugs(page)[0] == "noise-cancelling-headphones"

        page = ok_body(await client.call_tool("products_list", {"page": 2, "page_size": 3}))
        assert page["count"] == 8
        assert slugs(page) == ["noise-cancelling-headphones", "o-brien-ñ", "rust-in-action"]
        assert "page=3" in page["next"] and "page_size=3" in page["next"]
        assert page == upstream.get("/api/products/?page=2&page_size=3")[1]


async def test_retrieve_unicode_slug(launcher):
    async with launcher.connect() as client:
        product = ok_body(await client.call_tool("products_retrieve", {"slug": "o-brien-ñ"}))
    assert product == {
        "id": 3,
        "name": "O'Brien ñ",
        "slug": "o-brien-ñ",
        "category": "books",
        "description": "A novel whose name needs escaping in every layer.",
        "price": "12.50",
        "in_stock": False,
        "published": True,
        "tags": ["sale"],
        "created": "2025-01-01T14:00:00Z",
    }


async def test_array_response_is_wrapped(launcher):
    async with launcher.connect() as client:
        result = await client.call_tool("products_reviews_list", {"slug": "o-brien-ñ"})
    reviews = ok_body(result)
    # A non-object body comes back as {"result": body}.
    assert set(result.structured_content) == {"result"}
    assert isinstance(reviews, list)
    assert [(r["author"], r["rating"]) for r in reviews] == [("alice", 5), ("bob", 4)]
    assert reviews[0]["body"] == "Wonderful — ñ and all."


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a/b?c#d&e ñ", id="reserved-and-unicode"),
        pytest.param("100% + sure", id="percent-and-plus"),
    ],
)
async def test_path_parameter_is_one_encoded_segment(launcher, value):
    async with launcher.connect() as client:
        body = ok_body(await client.call_tool("echo_path", {"value": value}))
    assert body["value"] == value
    raw = body["raw_uri"]
    assert raw.startswith("/api/echo/") and raw.endswith("/"), raw
    segment = raw[len("/api/echo/") : -1]
    for ch in "/?# ":
        assert ch not in segment, f"{ch!r} not percent-encoded in the path segment: {raw}"
    assert unquote(segment) == value, raw


async def test_query_array_is_repeated(launcher):
    async with launcher.connect() as client:
        body = ok_body(await client.call_tool("echo_query", {"q": "hi there", "tags": ["x", "y z"], "n": 3}))
    assert body["query"] == {"q": ["hi there"], "tags": ["x", "y z"], "n": ["3"]}
    pairs = parse_qsl(body["raw_query"], keep_blank_values=True)
    assert sorted(pairs) == sorted([("q", "hi there"), ("tags", "x"), ("tags", "y z"), ("n", "3")]), body["raw_query"]
    assert body["request_tag"] is None


async def test_non_exploded_array_is_comma_joined_with_the_commas_literal(launcher):
    """OpenAPI's `style: form, explode: false` is `kinds=album,track`; a comma inside a value is
    the one that is encoded, so the two stay apart."""
    async with launcher.connect() as client:
        body = ok_body(await client.call_tool("echo_query", {"kinds": ["album", "track", "a,b"]}))
    assert body["raw_query"] == "kinds=album,track,a%2Cb", body["raw_query"]


async def test_optional_parameters_are_omitted(launcher):
    async with launcher.connect() as client:
        body = ok_body(await client.call_tool("echo_query", {"q": "only"}))
        assert body["query"] == {"q": ["only"]}, "unset optional parameters must not be sent"
        body = ok_body(await client.call_tool("echo_query", {}))
        assert body == {"raw_query": "", "query": {}, "request_tag": None}


async def test_header_parameter(launcher):
    async with launcher.connect() as client:
        body = ok_body(await client.call_tool("echo_query", {"X-Request-Tag": "abc-123", "n": -7}))
    assert body["request_tag"] == "abc-123"
    assert body["query"] == {"n": ["-7"]}


async def test_base_url_from_env(launcher):
    async with launcher.connect(base_url_via_env=True) as client:
        body = ok_body(await client.call_tool("categories_retrieve", {"slug": "garden"}))
    assert body == {"id": 3, "name": "Garden & Outdoors", "slug": "garden"}


async def test_my_orders_with_token(launcher):
    async with launcher.connect(token=ALICE_TOKEN) as client:
        page = ok_body(await client.call_tool("me_orders_list", {}))
        assert page["count"] == 2
        assert [(o["id"], o["status"], o["total"]) for o in page["results"]] == [
            (1, "paid", "69.97"),
            (2, "pending", "12.50"),
        ]
        order = ok_body(await client.call_tool("me_orders_retrieve", {"id": 1}))
        assert [(line["product"], line["quantity"]) for line in order["lines"]] == [
            ("rust-in-action", 1),
            ("usb-c-cable", 2),
        ]
        # Bob's order is not alice's to see.
        assert "404" in error_text(await client.call_tool("me_orders_retrieve", {"id": 3}))
        # The credential is sent on operations where it is optional too: staff see the draft.
        page = ok_body(await client.call_tool("products_list", {}))
        assert page["count"] == 9 and "solar-lamp" in slugs(page)

    async with launcher.connect(token=BOB_TOKEN) as client:
        page = ok_body(await client.call_tool("me_orders_list", {}))
        assert [(o["id"], o["status"]) for o in page["results"]] == [(3, "shipped")]


async def test_my_orders_without_token(launcher):
    async with launcher.connect() as client:
        text = error_text(await client.call_tool("me_orders_list", {}))
        assert "401" in text or "403" in text, text
        # Anonymous callers see only published products.
        page = ok_body(await client.call_tool("products_list", {}))
        assert page["count"] == 8 and "solar-lamp" not in slugs(page)


async def test_wrong_token(launcher):
    async with launcher.connect(token="0" * 40) as client:
        text = error_text(await client.call_tool("me_orders_list", {}))
    assert "401" in text or "403" in text, text
