"""Fixtures for the end-to-end suite.

* `upstream` (session): the example Django app (example/) on a temp SQLite file, seeded with
  `manage.py seed`, served by gunicorn on a free loopback port; killed at the end.
* `mcp_binary` (session): the generated `shop-mcp` server binary. Missing -> the test FAILS
  (never skips) and says how to build it.
* `launcher`: parametrized over transport (stdio, http) x SDK client mode (auto = server/discover
  at 2026-07-28, legacy = initialize at 2025-11-25); `launcher.connect(...)` starts the server
  and yields a connected `mcp.Client`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from e2e_support import (
    EXAMPLE_DIR,
    McpLauncher,
    binary_path,
    free_port,
    get_operations,
    load_schema,
    stop_process,
)

UPSTREAM_START_TIMEOUT = 30.0


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    return load_schema()


@pytest.fixture(scope="session")
def get_ops(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return get_operations(schema)


@dataclass
class Upstream:
    base_url: str
    db_path: Path
    log_path: Path

    def get(self, path_and_query: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """Direct HTTP GET against the upstream (no MCP), for cross-checks. The path must be
        already percent-encoded; it is sent exactly as given."""
        req = urllib.request.Request(self.base_url + path_and_query, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def get_bytes(self, path_and_query: str) -> bytes:
        """The body of a successful direct GET, exactly as the upstream sent it."""
        req = urllib.request.Request(self.base_url + path_and_query, headers={"Accept": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()


def _django_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SHOP_DB_PATH=str(db_path),
        DJANGO_SETTINGS_MODULE="shop.settings",
        PYTHONDONTWRITEBYTECODE="1",  # no __pycache__ inside example/
        PYTHONUNBUFFERED="1",
    )
    for key in [k for k in env if k.lower() in ("http_proxy", "https_proxy", "all_proxy")]:
        del env[key]
    return env


@contextmanager
def django_upstream(tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[Upstream]:
    """The example app seeded into its own database under `tmp`, served by gunicorn."""
    db_path = tmp / "shop.sqlite3"
    log_path = tmp / "gunicorn.log"
    env = _django_env(db_path)
    env.update(extra_env or {})

    seed = subprocess.run(
        [sys.executable, "manage.py", "seed"],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if seed.returncode != 0:
        pytest.fail(f"`manage.py seed` failed ({seed.returncode}):\n{seed.stdout}\n{seed.stderr}", pytrace=False)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "shop.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", "2", "--threads", "4",
            "--timeout", "60", "--graceful-timeout", "2",
            "--access-logfile", "-", "--error-logfile", "-",
            # gunicorn >= 24 opens a control socket under $HOME by default; two runs at once
            # would fight over it.
            "--no-control-socket",
        ],
        cwd=EXAMPLE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + UPSTREAM_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log_path.read_text()}", pytrace=False)
            try:
                with urllib.request.urlopen(base_url + "/api/categories/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {UPSTREAM_START_TIMEOUT}s:\n{log_path.read_text()}",
                            pytrace=False)
            time.sleep(0.1)
        yield Upstream(base_url=base_url, db_path=db_path, log_path=log_path)
    finally:
        stop_process(proc)
        log.close()


@pytest.fixture(scope="session")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The shared, read-only upstream: tests must not change its data."""
    with django_upstream(tmp_path_factory.mktemp("upstream")) as app:
        yield app


@pytest.fixture(scope="module")
def writable_upstream(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A separate upstream for tests that write, so the shared one keeps its seeded data."""
    with django_upstream(tmp_path_factory.mktemp("writable")) as app:
        yield app


@pytest.fixture(scope="session")
def mcp_binary() -> Path:
    path = binary_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"MCP server binary not found at {path}. Build it first: `cargo build -p shop-mcp` "
            "(or point SHOP_MCP_BIN at a built binary).",
            pytrace=False,
        )
    return path


TRANSPORT_MODES = [
    pytest.param(("stdio", "auto"), id="stdio-auto"),
    pytest.param(("stdio", "legacy"), id="stdio-legacy"),
    pytest.param(("http", "auto"), id="http-auto"),
    pytest.param(("http", "legacy"), id="http-legacy"),
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(params=TRANSPORT_MODES)
def launcher(request: pytest.FixtureRequest, mcp_binary: Path, upstream: Upstream, tmp_path: Path) -> Any:
    transport, mode = request.param
    launcher = McpLauncher(
        binary=mcp_binary, transport=transport, mode=mode, base_url=upstream.base_url, log_dir=tmp_path
    )
    yield launcher
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        # Shown under "Captured stdout teardown" of the failing test.
        print(f"MCP server logs ({transport}, {mode}):\n{launcher.tail_logs()}")
        print(f"upstream log tail:\n{upstream.log_path.read_text(errors='replace')[-3000:]}")
