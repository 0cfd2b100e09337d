#!/bin/sh
# Regenerate tests/drift/schema-<variant>.yml: the drf-spectacular schema of the example app
# with SHOP_SCHEMA_VARIANT=<variant> (see tests/drift/README.md). Run from anywhere.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-"$root/.venv/bin/python"}
cd "$root/example"
for variant in renamed retyped removed compatible; do
    # No database is opened; the path only keeps one from ever landing in example/.
    PYTHONDONTWRITEBYTECODE=1 SHOP_DB_PATH=/nonexistent/unused.sqlite3 SHOP_SCHEMA_VARIANT=$variant \
        "$python" manage.py spectacular --file "$root/tests/drift/schema-$variant.yml" --validate --fail-on-warn
    echo "wrote tests/drift/schema-$variant.yml"
done
