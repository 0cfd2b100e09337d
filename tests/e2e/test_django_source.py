"""`spec2mcp generate --django manage.py`: the schema straight from a Django project.

The CLI is run as a user runs it, against the example app and against small throwaway
projects that fail the ways real ones do (no Django for the interpreter, a settings module that
does not import, drf-spectacular not installed in the project, a view drf-spectacular has to
warn about). Each failure must name the command that ran and show what it printed, exit 2 and
write nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from e2e_support import EXAMPLE_DIR, REPO_ROOT

CLI = REPO_ROOT / "target" / "debug" / "spec2mcp"
CHECKED_IN = REPO_ROOT / "generated-example"


def generate(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), "generate", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_example_project_generates_what_is_checked_in(tmp_path: Path) -> None:
    out = tmp_path / "shop-mcp"
    proc = generate("--django", str(EXAMPLE_DIR / "manage.py"), "--python", sys.executable,
                    "--out", str(out), "--name", "shop-mcp")
    assert proc.returncode == 0, proc.stderr
    made = json.loads((out / "tools.json").read_text())
    kept = json.loads((CHECKED_IN / "tools.json").read_text())
    # The same tools, and the same schema text (drf-spectacular's output is deterministic).
    assert made["tools"] == kept["tools"]
    assert made["specSha256"] == kept["specSha256"]
    # The source is the project, never the temporary file the schema passed through.
    assert made["spec"].startswith("Django project ") and made["spec"].endswith("example/manage.py")
    header = (out / "src" / "main.rs").read_text().splitlines()[:2]
    assert "from Django project" in header[0], header
    assert "--django" in header[1] and "--python" in header[1], header
    assert "spec2mcp-django" not in (out / "README.md").read_text()

    # --check agrees, and notices a hand edit.
    check = [
        "--django", str(EXAMPLE_DIR / "manage.py"), "--python", sys.executable,
        "--out", str(out), "--name", "shop-mcp", "--check",
    ]
    proc = generate(*check)
    assert proc.returncode == 0, proc.stderr
    (out / "tools.json").write_text("{}")
    proc = generate(*check)
    assert proc.returncode == 1, proc.stderr
    assert "is stale" in proc.stderr and "fix: spec2mcp generate --django" in proc.stderr


def test_the_virtualenv_beside_the_project_is_found(tmp_path: Path) -> None:
    """Without --python, the repository's .venv (above example/) runs manage.py."""
    out = tmp_path / "shop-mcp"
    proc = generate("--django", "example/manage.py", "--out", str(out), "--name", "shop-mcp")
    assert proc.returncode == 0, proc.stderr
    assert (out / "tools.json").is_file()


MANAGE_PY = """\
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiny.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""

VIEW = """\
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from drf_spectacular.utils import extend_schema


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


class Ping(APIView):
    {decorator}
    def get(self, request):
        return Response({{"ok": True}})


urlpatterns = [path("ping/", Ping.as_view())]
"""


def tiny_project(root: Path, *, spectacular: bool = True, described: bool = True) -> Path:
    """A one-view DRF project in `root`; returns its manage.py."""
    (root / "tiny").mkdir(parents=True)
    (root / "manage.py").write_text(MANAGE_PY)
    (root / "tiny" / "__init__.py").write_text("")
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
    if spectacular:
        apps.append("drf_spectacular")
    (root / "tiny" / "settings.py").write_text(textwrap.dedent(f"""\
        SECRET_KEY = "only-for-tests"
        INSTALLED_APPS = {apps!r}
        ROOT_URLCONF = "tiny.urls"
        DATABASES = {{}}
        REST_FRAMEWORK = {{"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}}
        """))
    decorator = '@extend_schema(responses=PingSerializer, operation_id="ping")' if described else ""
    (root / "tiny" / "urls.py").write_text(VIEW.format(decorator=decorator))
    return root / "manage.py"


def test_a_small_project_becomes_a_server(tmp_path: Path) -> None:
    manage = tiny_project(tmp_path / "project")
    out = tmp_path / "out"
    proc = generate("--django", str(manage), "--python", sys.executable, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    tools = json.loads((out / "tools.json").read_text())["tools"]
    assert [t["name"] for t in tools] == ["ping"]
    # No bytecode left in the user's project by the export.
    assert not list((tmp_path / "project").rglob("__pycache__"))


@pytest.mark.parametrize(
    ("case", "expected", "fix"),
    [
        ("no-python", "cannot run the Python interpreter", "pass --python"),
        ("no-django", "Django cannot be imported by this interpreter", "pass --python"),
        ("bad-settings", "the project failed to load", "--django-settings"),
        ("no-spectacular", "no `spectacular` command", "pip install drf-spectacular"),
        ("warnings", "drf-spectacular reported warnings", "@extend_schema"),
    ],
)
def test_failures_name_the_command_and_what_it_printed(
    tmp_path: Path, case: str, expected: str, fix: str
) -> None:
    manage = tiny_project(
        tmp_path / "project",
        spectacular=case != "no-spectacular",
        described=case != "warnings",
    )
    args = ["--django", str(manage), "--python", sys.executable]
    if case == "no-python":
        args[-1] = str(tmp_path / "no" / "python")
    elif case == "no-django":
        # A fresh virtualenv: a real interpreter with nothing installed.
        empty = tmp_path / "empty-venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(empty)], check=True)
        args[-1] = str(empty / "bin" / "python")
    elif case == "bad-settings":
        args += ["--django-settings", "tiny.nosuch"]
    out = tmp_path / "out"
    proc = generate(*args, "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr, proc.stderr
    assert "= fix: " in proc.stderr and fix in proc.stderr, proc.stderr
    assert "nothing was written" in proc.stderr
    assert not out.exists()
    if case not in ("no-python",):
        # Which command ran, and the end of what it printed.
        assert "manage.py spectacular --format openapi-json" in proc.stderr
        assert "    | " in proc.stderr
    if case == "bad-settings":
        assert "No module named 'tiny.nosuch'" in proc.stderr
    if case == "warnings":
        assert "unable to guess serializer" in proc.stderr


def test_diff_takes_the_project_as_a_side() -> None:
    """`spec2mcp diff tools.json manage.py`: the CI step of a Django team, no exported file."""
    same = subprocess.run(
        [str(CLI), "diff", str(CHECKED_IN / "tools.json"), str(EXAMPLE_DIR / "manage.py")],
        capture_output=True, text=True, timeout=300,
    )
    assert same.returncode == 0, same.stdout + same.stderr
    assert "0 breaking, 0 compatible change(s)" in same.stdout, same.stdout
    renamed = subprocess.run(
        [str(CLI), "diff", str(EXAMPLE_DIR / "manage.py"), str(REPO_ROOT / "tests" / "drift" / "schema-renamed.yml")],
        capture_output=True, text=True, timeout=300,
    )
    assert renamed.returncode == 1, renamed.stdout + renamed.stderr
    assert "products_list: argument `min_price` removed" in renamed.stdout, renamed.stdout
