"""The upstream itself, over plain HTTP (no MCP server involved).

These pin down the facts the MCP tests rely on (seeded data, filters, the echo endpoints'
raw-URI reporting, auth), so a failure in test_mcp_*.py can be blamed on the server, not on the
fixture. They also pin the checked-in schemas to the app: a stale example/schema.yml, or a stale
tests/drift/schema-<variant>.yml (the app under SHOP_SCHEMA_VARIANT), fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from e2e_support import ALICE_TOKEN, BOB_TOKEN, EXAMPLE_DIR, REPO_ROOT, SCHEMA_PATH, slugs

DRIFT_DIR = REPO_ROOT / "tests" / "drift"

# SHOP_SCHEMA_VARIANT -> the products_list query parameters it (removes, adds, changes).
DRIFT_VARIANTS = {
    "renamed": ({"min_price"}, {"price_min"}, {"category"}),
    "retyped": (set(), set(), {"max_price"}),
    "removed": ({"min_price"}, set(), set()),
    "compatible": (set(), {"name_contains"}, {"category"}),
}

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


def _spectacular(out: Path, db_path: Path, variant: str | None) -> None:
    env = {"PYTHONDONTWRITEBYTECODE": "1", "SHOP_DB_PATH": str(db_path), "PATH": "/usr/bin:/bin"}
    if variant is not None:
        env["SHOP_SCHEMA_VARIANT"] = variant
    proc = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(out), "--validate", "--fail-on-warn"],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("variant", [None, *DRIFT_VARIANTS])
def test_drift_schema_is_current(tmp_path, variant):
    """Byte for byte: the variant's schema is the checked-in tests/drift/schema-<variant>.yml, and
    with SHOP_SCHEMA_VARIANT unset the app is unchanged (example/schema.yml)."""
    out = tmp_path / "schema.yml"
    # The schema generator opens no database; the path keeps one from landing in example/.
    _spectacular(out, tmp_path / "unused.sqlite3", variant)
    expected = SCHEMA_PATH if variant is None else DRIFT_DIR / f"schema-{variant}.yml"
    assert out.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8"), (
        f"{expected.relative_to(REPO_ROOT)} is stale: run tests/drift/regenerate.sh"
        if variant
        else "example/schema.yml is stale: regenerate it (see example/README.md)"
    )


@pytest.mark.parametrize("version", ["3.1.0", "3.2.0"])
def test_version_schema_is_current(tmp_path, version):
    """tests/versions/schema-<version>.yml is the app's schema written as that OpenAPI version
    (SHOP_OAS_VERSION); the Rust test `versions` shows it generates the same server as 3.0.3."""
    out = tmp_path / "schema.yml"
    env = {"PYTHONDONTWRITEBYTECODE": "1", "SHOP_DB_PATH": str(tmp_path / "unused.sqlite3"),
           "PATH": "/usr/bin:/bin", "SHOP_OAS_VERSION": version}
    proc = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(out), "--validate", "--fail-on-warn"],
        cwd=EXAMPLE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected = REPO_ROOT / "tests" / "versions" / f"schema-{version}.yml"
    assert out.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8"), (
        f"{expected.relative_to(REPO_ROOT)} is stale: run tests/versions/regenerate.sh"
    )
    assert out.read_text(encoding="utf-8").startswith(f"openapi: {version}\n")


@pytest.mark.parametrize("variant", DRIFT_VARIANTS)
def test_drift_schema_changes_only_products_list_filters(variant):
    base = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    changed = yaml.safe_load((DRIFT_DIR / f"schema-{variant}.yml").read_text(encoding="utf-8"))
    base_params = {p["name"]: p for p in base["paths"]["/api/products/"]["get"].pop("parameters")}
    new_params = {p["name"]: p for p in changed["paths"]["/api/products/"]["get"].pop("parameters")}
    assert changed == base, "a drift variant may change only products_list's parameters"
    removed, added, modified = DRIFT_VARIANTS[variant]
    assert base_params.keys() - new_params.keys() == removed
    assert new_params.keys() - base_params.keys() == added
    assert {n for n in base_params.keys() & new_params.keys() if base_params[n] != new_params[n]} == modified
    assert all(p["in"] == "query" and not p.get("required", False) for p in new_params.values())


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
