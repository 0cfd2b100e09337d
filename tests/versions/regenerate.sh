#!/bin/sh
# Regenerate tests/versions/schema-<version>.yml: the example app's drf-spectacular schema written
# as OpenAPI 3.1.0 and 3.2.0 (SHOP_OAS_VERSION) instead of example/schema.yml's 3.0.3. Run from
# anywhere.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-"$root/.venv/bin/python"}
cd "$root/example"
for version in 3.1.0 3.2.0; do
    # No database is opened; the path only keeps one from ever landing in example/.
    PYTHONDONTWRITEBYTECODE=1 SHOP_DB_PATH=/nonexistent/unused.sqlite3 SHOP_OAS_VERSION=$version \
        "$python" manage.py spectacular --file "$root/tests/versions/schema-$version.yml" --validate --fail-on-warn
    echo "wrote tests/versions/schema-$version.yml"
done
