"""Multipart file uploads (`uploads_create`, multipart/form-data only, in the writes golden): a
file argument carries base64 content, or, with the server's --upload-dir, a path inside that
folder and never outside it. The example app hashes what arrived."""

from __future__ import annotations

import base64
import hashlib

import pytest

from e2e_support import error_text, ok_body
from test_writes import staff_env, writes  # noqa: F401  (the fixture)

pytestmark = pytest.mark.anyio

CONTENT = "hello spec2mcp, ñ\n".encode()


async def test_a_file_goes_as_base64_with_its_name_and_media_type(writes):  # noqa: F811
    async with writes.connect(extra_env=staff_env()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        file_schema = tools["uploads_create"].input_schema["properties"]["body"]["properties"]["file"]
        assert {"content_base64", "path", "filename", "media_type"} <= set(file_schema["properties"])
        body = ok_body(await client.call_tool("uploads_create", {"body": {
            "file": {"content_base64": base64.b64encode(CONTENT).decode(), "filename": "greeting.txt", "media_type": "text/plain"},
            "note": "from base64",
        }}))
    assert body == {
        "name": "greeting.txt",
        "size": len(CONTENT),
        "sha256": hashlib.sha256(CONTENT).hexdigest(),
        "content_type": "text/plain",
        "note": "from base64",
    }


async def test_a_path_is_read_inside_the_upload_dir_only(writes, tmp_path):  # noqa: F811
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "report.csv").write_bytes(CONTENT)
    (tmp_path / "secret.txt").write_text("not for the API")
    async with writes.connect(extra_env=staff_env(), extra_args=["--upload-dir", str(uploads)]) as client:
        body = ok_body(await client.call_tool("uploads_create", {"body": {"file": {"path": "report.csv"}}}))
        escaped = error_text(await client.call_tool("uploads_create", {"body": {"file": {"path": "../secret.txt"}}}))
    assert (body["name"], body["sha256"]) == ("report.csv", hashlib.sha256(CONTENT).hexdigest())
    assert body["content_type"] == "text/csv", body
    assert "body.file" in escaped and "outside the upload folder" in escaped, escaped


async def test_without_an_upload_dir_a_path_is_refused_saying_why(writes):  # noqa: F811
    async with writes.connect(extra_env=staff_env()) as client:
        text = error_text(await client.call_tool("uploads_create", {"body": {"file": {"path": "report.csv"}}}))
        neither = error_text(await client.call_tool("uploads_create", {"body": {"file": {"filename": "x"}}}))
    assert "--upload-dir" in text, text
    assert "body.file" in neither, neither
