"""OAuth, end to end, against the example app's own authorization server (django-oauth-toolkit):
the generated server's HTTP endpoint as an OAuth 2.1 resource server (metadata, 401 challenges,
introspection, JWTs against a JWKS this test serves and rotates, scopes from the spec), and the
server as an OAuth client of the API (client credentials renewed on expiry, a refresh token).

Tokens come from the real authorization server: the client-credentials grant, and the
authorization-code grant with PKCE driven here through a real session login."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import sqlite3
import subprocess
import threading
import time
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from conftest import django_upstream
from e2e_support import DEFAULT_BINARY, McpLauncher, error_text, free_port, ok_body, port_open, server_env, stop_process

pytestmark = pytest.mark.anyio

BINARY = Path(os.environ.get("SHOP_MCP_BIN", DEFAULT_BINARY))
REDIRECT = "http://127.0.0.1/callback"
JWT_ISSUER = "https://issuer.spec2mcp.test/"


# --- tokens from the authorization server ---------------------------------------------------


def client_credentials(base: str, client_id: str, secret: str, scope: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{base}/o/token/",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(client_id, secret),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def authorization_code(base: str, username: str, password: str, scope: str) -> dict[str, Any]:
    """The authorization-code grant with PKCE, as a browser and a public client do it."""
    with httpx.Client(base_url=base, timeout=30) as browser:
        login = browser.get("/api-auth/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        assert csrf, login.text[:500]
        signed_in = browser.post(
            "/api-auth/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf.group(1), "next": "/api/"},
            headers={"Referer": f"{base}/api-auth/login/"},
        )
        assert signed_in.status_code == 302, signed_in.text[:500]
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(8)
        authorized = browser.get(
            "/o/authorize/",
            params={
                "response_type": "code", "client_id": "mcp-client", "redirect_uri": REDIRECT, "scope": scope,
                "code_challenge": challenge, "code_challenge_method": "S256", "state": state,
            },
        )
        assert authorized.status_code == 302, authorized.text[:500]
        query = parse_qs(urlsplit(authorized.headers["location"]).query)
        assert query["state"] == [state]
        answer = browser.post(
            "/o/token/",
            data={
                "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT,
                "client_id": "mcp-client", "code_verifier": verifier,
            },
        )
        assert answer.status_code == 200, answer.text
        return answer.json()


# --- the generated server over HTTP as a resource server --------------------------------------


@contextmanager
def resource_server(upstream_url: str, tmp: Path, *flags: str, env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    port = free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    log_path = tmp / f"mcp-{port}.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            str(BINARY), "--transport", "http", "--listen", f"127.0.0.1:{port}", "--base-url", upstream_url,
            "--oauth-resource", resource, *flags,
        ],
        env=server_env(env or {}), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while not port_open(port):
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start listening"
            time.sleep(0.05)
        yield {"url": resource, "base": f"http://127.0.0.1:{port}", "log": log_path}
    finally:
        stop_process(proc)
        log.close()


def introspecting(upstream_url: str) -> tuple[list[str], dict[str, str]]:
    flags = [
        "--oauth-authorization-server", f"{upstream_url}/o/",
        "--oauth-introspection-url", f"{upstream_url}/o/introspect/",
    ]
    env = {"SHOP_MCP_OAUTH_CLIENT_ID": "mcp-server", "SHOP_MCP_OAUTH_CLIENT_SECRET": "mcp-server-secret"}
    return flags, env


@asynccontextmanager
async def mcp_client(url: str, token: str) -> AsyncIterator[Client]:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with Client(streamable_http_client(url, http_client=http), mode="auto", read_timeout_seconds=30) as client:
        yield client


def post_mcp(url: str, token: str | None) -> httpx.Response:
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    return httpx.post(url, json=ping, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def oauth_upstream(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with django_upstream(tmp_path_factory.mktemp("oauth")) as app:
        yield app


@pytest.fixture(scope="module")
def short_token_upstream(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Access tokens that live 6 seconds, for expiry and renewal."""
    with django_upstream(tmp_path_factory.mktemp("short-tokens"), extra_env={"SHOP_OAUTH_TOKEN_SECONDS": "6"}) as app:
        yield app


def test_metadata_and_the_challenge_without_a_token(oauth_upstream, tmp_path):
    flags, env = introspecting(oauth_upstream.base_url)
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, env=env) as mcp:
        metadata_url = f"{mcp['base']}/.well-known/oauth-protected-resource/mcp"
        for url in [metadata_url, f"{mcp['base']}/.well-known/oauth-protected-resource"]:
            document = httpx.get(url, timeout=10).json()
            assert document["resource"] == mcp["url"]
            assert document["authorization_servers"] == [f"{oauth_upstream.base_url}/o/"]
            # The scope the spec says me_orders_* need (drf-spectacular's oauth2 requirement).
            assert "read" in document["scopes_supported"]
            assert document["bearer_methods_supported"] == ["header"]

        refused = post_mcp(mcp["url"], None)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == f'Bearer resource_metadata="{metadata_url}"'

        bogus = post_mcp(mcp["url"], "not-a-token")
        assert bogus.status_code == 401
        challenge = bogus.headers["www-authenticate"]
        assert challenge.startswith('Bearer error="invalid_token"') and f'resource_metadata="{metadata_url}"' in challenge
        assert "not-a-token" not in mcp["log"].read_text(), "a token must never be logged"


async def test_a_client_credentials_token_is_a_client_without_a_user(oauth_upstream, tmp_path):
    flags, env = introspecting(oauth_upstream.base_url)
    token = client_credentials(oauth_upstream.base_url, "shop-agent", "shop-agent-secret", "read")["access_token"]
    # The upstream is itself an audience of the token (one Django app): forwarding is the
    # explicit opt-in that lets the API see the caller's own token.
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, "--forward-header", "Authorization", env=env) as mcp:
        async with mcp_client(mcp["url"], token) as client:
            orders = ok_body(await client.call_tool("me_orders_list", {}))
        log = mcp["log"].read_text()
    # The API accepts it (the `read` scope), and a client without a user owns no orders.
    assert orders["count"] == 0, orders
    assert 'client_id="shop-agent"' in log, log[-2000:]
    assert token not in log


async def test_user_tokens_from_the_authorization_code_flow_see_their_users_data(oauth_upstream, tmp_path):
    flags, env = introspecting(oauth_upstream.base_url)
    alice = authorization_code(oauth_upstream.base_url, "alice", "alice-password", "read")
    bob = authorization_code(oauth_upstream.base_url, "bob", "bob-password", "read")
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, "--forward-header", "Authorization", env=env) as mcp:
        async with mcp_client(mcp["url"], alice["access_token"]) as client:
            hers = ok_body(await client.call_tool("me_orders_list", {}))
        async with mcp_client(mcp["url"], bob["access_token"]) as client:
            his = ok_body(await client.call_tool("me_orders_list", {}))
        log = mcp["log"].read_text()
    assert hers["count"] == 2, hers
    assert his["count"] == 1 and his["results"][0]["note"] == "Leave at the door.", his
    # Who called is in each tool call's log line.
    assert 'subject="alice" client_id="mcp-client"' in log and 'subject="bob" client_id="mcp-client"' in log, log[-3000:]


async def test_a_token_without_the_scope_a_tool_needs(oauth_upstream, tmp_path):
    flags, env = introspecting(oauth_upstream.base_url)
    write_only = client_credentials(oauth_upstream.base_url, "shop-agent", "shop-agent-secret", "write")["access_token"]
    reader = client_credentials(oauth_upstream.base_url, "shop-agent", "shop-agent-secret", "read")["access_token"]
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, env=env) as mcp:
        async with mcp_client(mcp["url"], write_only) as client:
            result = await client.call_tool("me_orders_list", {})
            text = error_text(result)
            assert "insufficient_scope" in text and "`read`" in text, text
            error = result.meta["spec2mcp/error"]
            assert error["error"] == "insufficient_scope" and error["scope"] == "read", error
            # A tool whose operation needs no scope works with the same token.
            ok_body(await client.call_tool("categories_list", {}))
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, "--hide-unauthorized-tools", env=env) as mcp:
        async with mcp_client(mcp["url"], write_only) as client:
            hidden = {t.name for t in (await client.list_tools()).tools}
        async with mcp_client(mcp["url"], reader) as client:
            shown = {t.name for t in (await client.list_tools()).tools}
    assert "me_orders_list" not in hidden and "categories_list" in hidden
    assert {"me_orders_list", "me_orders_retrieve"} <= shown


def test_a_scope_the_whole_endpoint_needs_is_a_403(oauth_upstream, tmp_path):
    flags, env = introspecting(oauth_upstream.base_url)
    write_only = client_credentials(oauth_upstream.base_url, "shop-agent", "shop-agent-secret", "write")["access_token"]
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, "--oauth-scope", "read", env=env) as mcp:
        refused = post_mcp(mcp["url"], write_only)
        assert refused.status_code == 403
        challenge = refused.headers["www-authenticate"]
        assert challenge.startswith('Bearer error="insufficient_scope", scope="read", resource_metadata=')


def test_introspection_answers_are_cached_for_a_bounded_time(oauth_upstream, tmp_path):
    flags, env = introspecting(oauth_upstream.base_url)
    token = client_credentials(oauth_upstream.base_url, "shop-agent", "shop-agent-secret", "read")["access_token"]
    with resource_server(oauth_upstream.base_url, tmp_path, *flags, "--oauth-introspection-cache-seconds", "2", env=env) as mcp:
        assert post_mcp(mcp["url"], token).status_code == 200
        revoked = httpx.post(
            f"{oauth_upstream.base_url}/o/revoke_token/", data={"token": token},
            auth=("shop-agent", "shop-agent-secret"), timeout=10,
        )
        assert revoked.status_code == 200, revoked.text
        # Within the cache time the revocation is not seen yet…
        assert post_mcp(mcp["url"], token).status_code == 200
        time.sleep(2.5)
        # …after it, it is.
        assert post_mcp(mcp["url"], token).status_code == 401


def test_an_expired_token_is_refused(short_token_upstream, tmp_path):
    flags, env = introspecting(short_token_upstream.base_url)
    token = client_credentials(short_token_upstream.base_url, "shop-agent", "shop-agent-secret", "read")
    assert token["expires_in"] <= 6
    with resource_server(short_token_upstream.base_url, tmp_path, *flags, env=env) as mcp:
        assert post_mcp(mcp["url"], token["access_token"]).status_code == 200
        time.sleep(token["expires_in"] + 1)
        assert post_mcp(mcp["url"], token["access_token"]).status_code == 401


# --- JWT access tokens against a JWKS served here -------------------------------------------


class Jwks:
    """Serves a JWKS that the test can rotate, and mints tokens with its keys."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.served: list[str] = []
        self.fetches = 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                jwks.fetches += 1
                keys = []
                for kid in jwks.served:
                    key, alg = jwks.keys[kid]
                    family = jwt.algorithms.RSAAlgorithm if alg == "RS256" else jwt.algorithms.ECAlgorithm
                    public = json.loads(family.to_jwk(key.public_key()))
                    keys.append({**public, "kid": kid, "alg": alg, "use": "sig"})
                body = json.dumps({"keys": keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, kid: str, alg: str = "RS256") -> None:
        key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if alg == "RS256"
               else ec.generate_private_key(ec.SECP256R1()))
        self.keys[kid] = (key, alg)

    def token(self, kid: str, audience: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": JWT_ISSUER, "aud": audience, "sub": "carol", "client_id": "jwt-client",
                   "scope": "read", "iat": now, "exp": now + 300, **claims}
        key, alg = self.keys[kid]
        return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


async def test_jwt_tokens_are_checked_against_the_issuers_rotating_keys(upstream, tmp_path):
    keys = Jwks()
    keys.add("k1")
    keys.add("e1", "ES256")
    keys.served = ["k1", "e1"]
    flags = ["--oauth-authorization-server", JWT_ISSUER, "--oauth-jwks-url", keys.url]
    try:
        with resource_server(upstream.base_url, tmp_path, *flags) as mcp:
            good = keys.token("k1", mcp["url"])
            async with mcp_client(mcp["url"], good) as client:
                ok_body(await client.call_tool("categories_list", {}))
            log = mcp["log"].read_text()
            assert 'subject="carol"' in log and 'client_id="jwt-client"' in log, log[-2000:]
            # An ES256 key of the same set works too.
            assert post_mcp(mcp["url"], keys.token("e1", mcp["url"])).status_code == 200

            refused = {
                "wrong audience": keys.token("k1", "https://another.example/mcp"),
                "expired": keys.token("k1", mcp["url"], exp=int(time.time()) - 120),
                "wrong issuer": keys.token("k1", mcp["url"], iss="https://evil.example/"),
                "not yet valid": keys.token("k1", mcp["url"], nbf=int(time.time()) + 600),
                "HMAC": jwt.encode({"iss": JWT_ISSUER, "aud": mcp["url"], "exp": int(time.time()) + 300},
                                   "an-hmac-secret-of-32-bytes-or-more", algorithm="HS256"),
            }
            for why, token in refused.items():
                answer = post_mcp(mcp["url"], token)
                assert answer.status_code == 401, why
                assert 'error="invalid_token"' in answer.headers["www-authenticate"], why

            # The issuer rotates: k2 replaces k1. A token signed with k2 names a key id the server
            # has not seen, so it fetches the JWKS again (unknown key ids cause at most one fetch
            # per 5 s); k1's tokens stop working.
            fetched = keys.fetches
            keys.add("k2")
            keys.served = ["k2"]
            time.sleep(5.2)
            assert post_mcp(mcp["url"], keys.token("k2", mcp["url"])).status_code == 200
            assert keys.fetches == fetched + 1
            assert post_mcp(mcp["url"], good).status_code == 401
    finally:
        keys.server.shutdown()


# --- the server as an OAuth client of the API ------------------------------------------------


def token_requests(upstream: Any, client_id: str) -> int:
    """Access tokens the authorization server issued to `client_id` (its own database)."""
    with sqlite3.connect(upstream.db_path) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM oauth2_provider_accesstoken t JOIN oauth2_provider_application a "
            "ON t.application_id = a.id WHERE a.client_id = ?",
            (client_id,),
        ).fetchone()
    return count


async def test_upstream_client_credentials_are_obtained_once_and_renewed(short_token_upstream, tmp_path):
    launcher = McpLauncher(binary=BINARY, transport="stdio", mode="auto", base_url=short_token_upstream.base_url, log_dir=tmp_path)
    env = {"SHOP_MCP_OAUTH2_CLIENT_ID": "shop-agent", "SHOP_MCP_OAUTH2_CLIENT_SECRET": "shop-agent-secret"}
    before = token_requests(short_token_upstream, "shop-agent")
    async with launcher.connect(extra_env=env) as client:
        # Five calls at once: one token request, the others wait for it.
        results: list[Any] = []

        async def call() -> None:
            results.append(ok_body(await client.call_tool("me_orders_list", {})))

        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(call)
        # Accepted (the operation refuses anonymous callers); a client without a user owns no orders.
        assert [r["count"] for r in results] == [0] * 5
        assert token_requests(short_token_upstream, "shop-agent") == before + 1
        # The 6 s token is renewed ahead of its expiry…
        await anyio.sleep(2)
        ok_body(await client.call_tool("me_orders_list", {}))
        assert token_requests(short_token_upstream, "shop-agent") == before + 2
        # …and long after it, a call still works.
        await anyio.sleep(7)
        ok_body(await client.call_tool("me_orders_list", {}))
        assert token_requests(short_token_upstream, "shop-agent") == before + 3
    assert "shop-agent-secret" not in "".join(p.read_text() for p in launcher.logs)


async def test_a_refresh_token_keeps_a_users_access_alive(short_token_upstream, tmp_path):
    grant = authorization_code(short_token_upstream.base_url, "bob", "bob-password", "read")
    assert grant.get("refresh_token")
    launcher = McpLauncher(binary=BINARY, transport="stdio", mode="auto", base_url=short_token_upstream.base_url, log_dir=tmp_path)
    env = {"SHOP_MCP_OAUTH2_CLIENT_ID": "mcp-client", "SHOP_MCP_OAUTH2_REFRESH_TOKEN": grant["refresh_token"]}
    async with launcher.connect(extra_env=env) as client:
        first = ok_body(await client.call_tool("me_orders_list", {}))
        # Past the access token's life: redeemed again, with the rotated refresh token.
        await anyio.sleep(7)
        second = ok_body(await client.call_tool("me_orders_list", {}))
    assert first["count"] == second["count"] == 1  # bob's


async def test_a_failed_token_request_names_the_variables(oauth_upstream, tmp_path):
    launcher = McpLauncher(binary=BINARY, transport="stdio", mode="auto", base_url=oauth_upstream.base_url, log_dir=tmp_path)
    env = {"SHOP_MCP_OAUTH2_CLIENT_ID": "shop-agent", "SHOP_MCP_OAUTH2_CLIENT_SECRET": "not-the-secret-4711"}
    async with launcher.connect(extra_env=env) as client:
        text = error_text(await client.call_tool("me_orders_list", {}))
    assert "cannot obtain an access token for `oauth2`" in text, text
    assert "SHOP_MCP_OAUTH2_CLIENT_ID and SHOP_MCP_OAUTH2_CLIENT_SECRET" in text, text
    assert "not-the-secret-4711" not in text + "".join(p.read_text() for p in launcher.logs)
