"""Handshake and tools/list, over both transports and both client modes."""

from __future__ import annotations

import pytest

from e2e_support import LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION

pytestmark = pytest.mark.anyio


async def test_negotiated_protocol_version(launcher):
    async with launcher.connect() as client:
        expected = MODERN_PROTOCOL_VERSION if launcher.mode == "auto" else LEGACY_PROTOCOL_VERSION
        # "auto" silently falls back to initialize when server/discover fails, so without this
        # check the two modes could both be testing the legacy path.
        assert client.protocol_version == expected
        if launcher.mode == "legacy":
            assert client.server_info is not None and client.server_info.name == "shop-mcp"
        assert client.server_capabilities.tools is not None


async def test_tools_are_exactly_the_get_operations(launcher, get_ops, schema):
    async with launcher.connect() as client:
        listing = await client.list_tools()
    assert listing.next_cursor is None
    names = [tool.name for tool in listing.tools]
    assert len(names) == len(set(names)), f"duplicate tool names: {names}"
    assert sorted(names) == sorted(get_ops), "tools/list must be exactly the GET operations of schema.yml"

    write_ops = {
        op["operationId"]
        for item in schema["paths"].values()
        for method, op in item.items()
        if method in ("post", "put", "patch", "delete")
    }
    assert write_ops, "the example schema should have write operations"
    assert not write_ops & set(names), "write operations must not be tools by default"

    for tool in listing.tools:
        assert tool.input_schema.get("type") == "object", f"{tool.name}: inputSchema root must be an object"
        assert tool.description or tool.title, f"{tool.name}: no description"


def _types(prop: dict) -> set[str]:
    t = prop.get("type")
    return set(t) if isinstance(t, list) else {t}


# Header parameters an agent cannot know, which the server fills by default.
TRANSPORT_HEADERS = {"x-csrftoken", "accept-language", "idempotency-key"}


async def test_input_schemas_follow_the_spec_parameters(launcher, get_ops):
    async with launcher.connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for op_id, op in get_ops.items():
        schema = tools[op_id].input_schema
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        for param in op["parameters"]:
            name = param["name"]
            if param["in"] == "header" and name.lower() in TRANSPORT_HEADERS:
                # Filled by the server (tests/e2e/test_transport_headers.py), not the agent.
                assert name not in props, f"{op_id}: transport header {name!r} offered as an argument"
                continue
            assert name in props, f"{op_id}: parameter {name!r} ({param['in']}) missing from inputSchema"
            spec_type = param["schema"].get("type")
            assert spec_type in _types(props[name]), f"{op_id}.{name}: type {props[name]} != spec {spec_type}"
            if spec_type == "array":
                assert props[name].get("items", {}).get("type") == param["schema"]["items"]["type"]
            if param.get("required"):
                assert name in required, f"{op_id}: required parameter {name!r} not required in inputSchema"
            else:
                assert name not in required, f"{op_id}: optional parameter {name!r} marked required"

    # Spot checks on the shapes this suite depends on.
    products = tools["products_list"].input_schema["properties"]
    assert {"category", "min_price", "max_price", "in_stock", "tag", "search", "ordering", "page", "page_size"} <= set(
        products
    )
    assert "X-Request-Tag" in tools["echo_query"].input_schema["properties"]
    assert tools["products_retrieve"].input_schema["required"] == ["slug"]
