"""Writes the spec that setup.sh feeds to openapi-mcp-generator: JSON (YAML is converted), and
with --get-only every non-GET operation marked `x-mcp: false`, the generator's own filter
extension (it has no CLI option to select methods). Run with a python that has PyYAML.

    prepare_spec.py IN OUT.json [--get-only]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--get-only", action="store_true")
    args = ap.parse_args()

    text = args.src.read_text(encoding="utf-8")
    try:
        spec = json.loads(text)
    except ValueError:
        import yaml

        spec = yaml.safe_load(text)

    kept = dropped = 0
    for item in (spec.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            if args.get_only and method != "get":
                op["x-mcp"] = False
                dropped += 1
            else:
                kept += 1

    args.dst.parent.mkdir(parents=True, exist_ok=True)
    args.dst.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    print(f"prepare_spec: {args.dst}: {kept} operations kept, {dropped} non-GET marked x-mcp: false", file=sys.stderr)


if __name__ == "__main__":
    main()
