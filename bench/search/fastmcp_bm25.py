"""Recall@3 of FastMCP's own BM25 tool search on a query set (the reference for spec2mcp's
`search_operations`).

Run with the FastMCP venv (see README.md next to this file):

    python fastmcp_bm25.py --spec SPEC --queries QUERIES.json [--methods GET,POST,...]

The server is FastMCP.from_openapi(spec) with route maps that turn the chosen methods into tools
and exclude the rest, and an httpx2 client pointed at a dummy base URL (searching makes no HTTP
request). FastMCP's BM25SearchTransform is added exactly as shipped (defaults: max_results=5,
tokenizer, k1/b) and its `search_tools` tool is called through an in-memory fastmcp.Client; the
first 3 tools it returns, in its order, are the top 3.

Name mapping. A query lists spec2mcp tool names. FastMCP names a tool
slugify(operationId.split("__")[0])[:56] (+ `_2`... on clashes), spec2mcp names it
snake_case(operationId) (see `spec2mcp_name`). So each FastMCP tool is mapped back to the
operation it wraps, by the (method, path) of its route, and from there to spec2mcp's name for
that operation. Every expected name is checked to exist among spec2mcp's names first.

Prints JSON: {"recall_at_3", "hits", "total", "misses": [{"query", "expected", "top3"}], ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.metadata
import json
import os
import sys
import unicodedata
from pathlib import Path

os.environ.setdefault("FASTMCP_SHOW_SERVER_BANNER", "false")
os.environ.setdefault("FASTMCP_CHECK_FOR_UPDATES", "off")
os.environ.setdefault("FASTMCP_LOG_LEVEL", "ERROR")

# spec2mcp's order of methods inside a path item (generator/src/resolve/mod.rs).
METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
MAX_NAME = 64  # spec2mcp's default max_tool_name_len
K = 3


def heck_snake_words(raw: str) -> list[str]:
    """Words as heck's `to_snake_case` splits them: on non-alphanumerics, before an upper-case
    letter that follows a lower-case one (digits keep the previous case), and before the last
    capital of an acronym followed by lower case (`HTTPServer` -> `HTTP`, `Server`)."""
    words: list[str] = []
    for word in "".join(c if c.isalnum() else " " for c in raw).split():
        start, mode = 0, "boundary"
        for i, c in enumerate(word[:-1]):
            nxt = word[i + 1]
            next_mode = "lower" if c.islower() else "upper" if c.isupper() else mode
            if next_mode == "lower" and nxt.isupper():
                words.append(word[start : i + 1])
                start, mode = i + 1, "boundary"
            elif mode == "upper" and c.isupper() and nxt.islower():
                words.append(word[start:i])
                start, mode = i, "boundary"
            else:
                mode = next_mode
        words.append(word[start:])
    return [w for w in words if w]


def spec2mcp_name(raw: str) -> str:
    """spec2mcp's tool name for an operationId (generator/src/model/naming.rs `tool_name`):
    apostrophes inside words dropped, heck snake_case, accents folded, anything but ASCII
    letters/digits turned into `_`, runs of `_` collapsed, lower-cased, cut to 64 characters
    with an 8-hex-digit SHA-256 suffix."""
    joined = "".join(
        c
        for i, c in enumerate(raw)
        if not (c in "'\u2019\u02bc" and 0 < i < len(raw) - 1 and raw[i - 1].isalnum() and raw[i + 1].isalnum())
    )
    snake = "_".join(w.lower() for w in heck_snake_words(joined))
    folded = unicodedata.normalize("NFKD", snake)
    out = ""
    for c in folded:
        if unicodedata.combining(c):
            continue
        c = c if c.isascii() and c.isalnum() else "_"
        if c == "_" and (not out or out.endswith("_")):
            continue
        out += c
    name = out.rstrip("_").lower() or "operation"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
    keep = MAX_NAME - 9
    if keep < len(name) and name[keep] != "_" and name[:keep].rfind("_") > 0:
        base = name[: name[:keep].rfind("_")]
    else:
        base = name[:keep].rstrip("_")
    return f"{base}_{digest}"


def spec2mcp_names(spec: dict, methods: set[str]) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> spec2mcp tool name, made unique in document order like spec2mcp."""
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if not isinstance(op, dict) or method.upper() not in methods:
                continue
            op_id = op.get("operationId")
            raw = op_id if isinstance(op_id, str) and op_id.strip() else f"{method}_{path}"
            name, n = spec2mcp_name(raw), 2
            unique = name
            while unique in taken:
                unique = f"{name[: MAX_NAME - len(str(n)) - 1].rstrip('_')}_{n}"
                n += 1
            taken.add(unique)
            names[(method.upper(), path)] = unique
    return names


def load(path: Path):
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError:
        import yaml

        return yaml.safe_load(text)


async def run(spec: dict, queries: list[dict], methods: set[str]) -> dict:
    import httpx2
    from fastmcp import Client, FastMCP
    from fastmcp.server.providers.openapi import MCPType, RouteMap
    from fastmcp.server.transforms.search import BM25SearchTransform

    ours = spec2mcp_names(spec, methods)
    known = set(ours.values())
    unknown = [(q["query"], e) for q in queries for e in q["expected"] if e not in known]
    if unknown:
        sys.exit(f"fastmcp_bm25: expected names that are not spec2mcp tools of this spec: {unknown}")

    mcp = FastMCP.from_openapi(
        openapi_spec=spec,
        client=httpx2.AsyncClient(base_url="http://127.0.0.1:9"),
        route_maps=[RouteMap(methods=sorted(methods), mcp_type=MCPType.TOOL), RouteMap(mcp_type=MCPType.EXCLUDE)],
    )
    # FastMCP tool name -> spec2mcp name, through the operation (OpenAPITool keeps its HTTPRoute).
    to_ours = {t.name: ours[(t._route.method.upper(), t._route.path)] for t in await mcp.list_tools()}

    mcp.add_transform(BM25SearchTransform())
    hits, misses = 0, []
    async with Client(mcp) as client:
        for q in queries:
            result = await client.call_tool("search_tools", {"query": q["query"]})
            top = [to_ours[t["name"]] for t in result.structured_content["result"]][:K]
            if set(top) & set(q["expected"]):
                hits += 1
            else:
                misses.append({"query": q["query"], "expected": q["expected"], "top3": top})
    return {
        "recall_at_3": round(hits / len(queries), 4),
        "hits": hits,
        "total": len(queries),
        "misses": misses,
        "tools": len(to_ours),
        "fastmcp": importlib.metadata.version("fastmcp"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, type=Path, help="OpenAPI document, JSON or YAML")
    ap.add_argument("--queries", required=True, type=Path, help='JSON list of {"query", "expected"}')
    ap.add_argument("--methods", default="GET", help="comma-separated methods that become tools (default GET)")
    args = ap.parse_args()
    methods = {m.strip().upper() for m in args.methods.split(",") if m.strip()}
    report = asyncio.run(run(load(args.spec), load(args.queries), methods))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
