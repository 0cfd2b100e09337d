"""Header parameters an agent cannot know are filled by the server, not asked of the agent: a
CSRF token and Accept-Language come from the server's environment or `--header`, an
Idempotency-Key is generated per call. `echo_headers` (example/catalog/views.py) takes all three
and echoes what arrived."""

from __future__ import annotations

import re

import pytest

from e2e_support import ENV_PREFIX, error_text, ok_body, recording_upstream

pytestmark = pytest.mark.anyio

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


async def test_transport_headers_are_not_arguments(launcher):
    async with launcher.connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    properties = tools["echo_headers"].input_schema.get("properties", {})
    assert properties == {}, f"no header is left to the agent: {properties}"


async def test_the_server_fills_them_from_its_environment_a_flag_and_per_call_keys(launcher):
    env = {f"{ENV_PREFIX}HEADER_X_CSRF_TOKEN": "csrf-from-env"}
    async with launcher.connect(extra_env=env, extra_args=["--header", "Accept-Language=fr-CH"]) as client:
        first = ok_body(await client.call_tool("echo_headers", {}))
        second = ok_body(await client.call_tool("echo_headers", {}))
    assert first["csrf_token"] == "csrf-from-env"
    assert first["accept_language"] == "fr-CH"
    assert UUID.match(first["idempotency_key"]), first
    assert second["idempotency_key"] != first["idempotency_key"], "a new key for every call"


async def test_a_required_one_that_is_not_configured_is_named_and_nothing_is_sent(launcher):
    with recording_upstream() as recorder:
        async with launcher.connect(base_url=recorder.url) as client:
            text = error_text(await client.call_tool("echo_headers", {}))
    assert f"{ENV_PREFIX}HEADER_X_CSRF_TOKEN" in text and "--header X-CSRFToken=VALUE" in text, text
    assert recorder.requests == []
