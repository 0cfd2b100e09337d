"""The upstream itself, over plain HTTP (no MCP server involved).

These pin down the facts the MCP tests rely on (seeded data, filters, the echo endpoints'
raw-URI reporting, auth), so a failure in test_mcp_*.py can be blamed on the server, not on the
fixture. They also pin the checked-in schema to the app: a stale example/schema.yml fails here."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import quote

import yaml

from e2e_support import ALICE_TOKEN, BOB_TOKEN, EXAMPLE_DIR, SCHEMA_PATH, slugs

PUBLISHED = [
    "compost-bin",
    "django-for-beginners",
    "mechanical-keyboard",
    "noise-cancelling-headphones",
    "o-brien-ñ",
    "rust-in-action",
    "usb-c-cable",
    "watering-can",
]


def test_checked_in_schema_is_current(tmp_path, upstream):
    out = tmp_path / "schema.yml"
    proc = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(out), "--validate", "--fail-on-warn"],
        cwd=EXAMPLE_DIR,
        env={"PYTHONDONTWRITEBYTECODE": "1", "SHOP_DB_PATH": str(upstream.db_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert yaml.safe_load(out.read_text()) == yaml.safe_load(SCHEMA_PATH.read_text()), (
        "example/schema.yml is stale: regenerate it (see example/README.md)"
    )


def test_seeded_products(upstream):
    status, page = upstream.get("/api/products/")
    assert status == 200
    assert page["count"] == 8 and slugs(page) == PUBLISHED and page["next"] is None
    status, page = upstream.get("/api/products/", {"Authorization": f"Token {ALICE_TOKEN}"})
    assert status == 200 and page["count"] == 9 and "solar-lamp" in slugs(page)


def test_filters(upstream):
    assert slugs(upstream.get("/api/products/?category=books&min_price=20")[1]) == [
        "django-for-beginners",
        "rust-in-action",
    ]
    assert slugs(upstream.get("/api/products/?tag=eco&tag=gift")[1]) == [
        "compost-bin",
        "noise-cancelling-headphones",
        "rust-in-action",
        "watering-can",
    ]
    assert slugs(upstream.get("/api/products/?tag=eco")[1]) == ["compost-bin", "watering-can"]
    assert slugs(upstream.get("/api/products/?category=books&in_stock=false")[1]) == ["o-brien-ñ"]
    assert slugs(upstream.get("/api/products/?min_price=9.99&max_price=15")[1]) == [
        "o-brien-ñ",
        "usb-c-cable",
        "watering-can",
    ]
    assert slugs(upstream.get("/api/products/?ordering=-price")[1])[0] == "noise-cancelling-headphones"
    status, page = upstream.get("/api/products/?page=2&page_size=3")
    assert slugs(page) == PUBLISHED[3:6] and "page=3" in page["next"]


def test_unicode_slug(upstream):
    status, product = upstream.get("/api/products/" + quote("o-brien-ñ", safe="") + "/")
    assert status == 200
    assert product["name"] == "O'Brien ñ" and product["price"] == "12.50" and product["id"] == 3


def test_echo_path_raw_uri(upstream):
    value = "a/b?c#d&e ñ"
    status, body = upstream.get("/api/echo/" + quote(value, safe="") + "/")
    assert status == 200
    assert body == {"value": value, "raw_uri": "/api/echo/a%2Fb%3Fc%23d%26e%20%C3%B1/"}
    # An unencoded slash is visible as such in raw_uri: the MCP test can tell the two apart.
    assert upstream.get("/api/echo/a/b/")[1] == {"value": "a/b", "raw_uri": "/api/echo/a/b/"}


def test_echo_query_and_header(upstream):
    status, body = upstream.get("/api/echo/?q=hi%20there&tags=x&tags=y%20z&n=3", {"X-Request-Tag": "abc"})
    assert status == 200
    assert body == {
        "raw_query": "q=hi%20there&tags=x&tags=y%20z&n=3",
        "query": {"q": ["hi there"], "tags": ["x", "y z"], "n": ["3"]},
        "request_tag": "abc",
    }
    assert upstream.get("/api/echo/")[1] == {"raw_query": "", "query": {}, "request_tag": None}


def test_orders_are_per_user(upstream):
    assert upstream.get("/api/me/orders/")[0] == 401
    status, page = upstream.get("/api/me/orders/", {"Authorization": f"Token {ALICE_TOKEN}"})
    assert status == 200 and [o["id"] for o in page["results"]] == [1, 2]
    status, page = upstream.get("/api/me/orders/", {"Authorization": f"Token {BOB_TOKEN}"})
    assert status == 200 and [o["id"] for o in page["results"]] == [3]


def test_slow(upstream):
    assert upstream.get("/api/slow/?seconds=0") == (200, {"slept": 0})
    assert upstream.get("/api/slow/?seconds=11")[0] == 400
