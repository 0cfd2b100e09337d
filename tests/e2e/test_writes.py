"""Writes, opted in at generation time: the `shop-writes-mcp` golden crate is the example schema
generated with `--methods GET,POST,PUT,PATCH,DELETE`. Binary from SHOP_WRITES_MCP_BIN (default
target/debug/shop-writes-mcp). Runs against its own upstream so the shared one keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from e2e_support import ALICE_TOKEN, REPO_ROOT, McpLauncher, error_text, ok_body

pytestmark = pytest.mark.anyio


@pytest.fixture
def writes(writable_upstream, tmp_path) -> McpLauncher:
    binary = Path(os.environ.get("SHOP_WRITES_MCP_BIN", REPO_ROOT / "target" / "debug" / "shop-writes-mcp"))
    if not binary.is_file():
        pytest.fail(f"{binary} not found: build it with `cargo build -p shop-writes-mcp`", pytrace=False)
    launcher = McpLauncher(binary=binary, transport="stdio", mode="auto", base_url=writable_upstream.base_url, log_dir=tmp_path)
    return launcher


def staff_env() -> dict[str, str]:
    return {"SHOP_WRITES_MCP_TOKEN_AUTH": f"Token {ALICE_TOKEN}"}


async def test_annotations_follow_the_method_and_results_have_output_schemas(writes):
    async with writes.connect(extra_env=staff_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    hints = {name: t.annotations for name, t in tools.items()}
    assert hints["products_list"].read_only_hint is True
    create, update, patch, destroy = (hints[n] for n in ["products_create", "products_update", "products_partial_update", "products_destroy"])
    assert (create.read_only_hint, create.destructive_hint, create.idempotent_hint) == (False, False, False)
    assert (update.read_only_hint, update.destructive_hint, update.idempotent_hint) == (False, False, True)
    assert (patch.read_only_hint, patch.destructive_hint, patch.idempotent_hint) == (False, False, False)
    assert (destroy.read_only_hint, destroy.destructive_hint, destroy.idempotent_hint) == (False, True, True)
    assert all(h.open_world_hint is True for h in hints.values())
    retrieve = tools["products_retrieve"].output_schema
    assert retrieve and retrieve["type"] == "object" and "slug" in retrieve["properties"]
    # readOnly fields are not inputs; the PATCH body has no required fields.
    body = tools["products_create"].input_schema["properties"]["body"]
    assert "id" not in body["properties"] and "published" not in body["properties"]
    assert "required" not in tools["products_partial_update"].input_schema["properties"]["body"]


async def test_create_publish_and_conflict(writes):
    product = {"name": "Spec Driven", "slug": "spec-driven", "category": "books", "price": "19.90"}
    async with writes.connect(extra_env=staff_env()) as client:
        created = ok_body(await client.call_tool("products_create", {"body": product}))
        assert created["slug"] == "spec-driven" and created["published"] is False and created["id"] > 0
        published = ok_body(await client.call_tool("products_publish_create", {"slug": "spec-driven"}))
        assert published["published"] is True
        conflict = error_text(await client.call_tool("products_publish_create", {"slug": "spec-driven"}))
        assert "409" in conflict and "Product is already published." in conflict
        patched = ok_body(await client.call_tool("products_partial_update", {"slug": "spec-driven", "body": {"price": "17.50"}}))
        assert patched["price"] == "17.50" and patched["name"] == "Spec Driven"
        gone = await client.call_tool("products_destroy", {"slug": "spec-driven"})
        assert not gone.is_error
        missing = error_text(await client.call_tool("products_retrieve", {"slug": "spec-driven"}))
        assert "404" in missing


async def test_validation_error_names_the_field(writes):
    duplicate = {"name": "Dup", "slug": "o-brien-ñ", "category": "books", "price": "1.00"}
    async with writes.connect(extra_env=staff_env()) as client:
        text = error_text(await client.call_tool("products_create", {"body": duplicate}))
        bad_body = error_text(await client.call_tool("products_create", {"body": {**duplicate, "price": 5}}))
    assert "400" in text and "slug:" in text, text
    assert "body.price" in bad_body, "a wrongly typed body field is named before anything is sent"


async def test_writes_without_credentials_are_refused_with_the_variable_named(writes):
    async with writes.connect() as client:
        text = error_text(await client.call_tool("products_create", {"body": {"name": "x", "slug": "x", "category": "books", "price": "1.00"}}))
    assert ("401" in text or "403" in text) and "SHOP_WRITES_MCP_TOKEN_AUTH is not set" in text, text
