"""Write one JSON Schema (2020-12) per public Struct and tagged union: `python -m sos_schema.export DIR`.

Each file is self-contained (its dependencies under `$defs`), so a council integration job can validate a
payload with any JSON Schema validator without resolving references across files. Rules that JSON Schema
cannot express (check digits, cross-field and conditional requirements) are enforced on decode by msgspec
and described in the Structs' docstrings.
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Any

import msgspec

import sos_schema

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://sos-casework.org.uk/schemas/"


def public_types() -> dict[str, Any]:
    """Every public Struct and union alias, by name, in a stable order."""
    found: dict[str, Any] = {}
    for name in sorted(sos_schema.__all__):
        obj = getattr(sos_schema, name)
        is_struct = isinstance(obj, type) and issubclass(obj, msgspec.Struct)
        is_union = isinstance(obj, types.UnionType) or typing.get_origin(obj) is typing.Union
        if is_struct or is_union:
            found[name] = obj
    return found


def schema_for(name: str, tp: Any) -> dict[str, Any]:
    """The self-contained JSON Schema document of one public type."""
    body = msgspec.json.schema(tp)
    if "$ref" in body:
        # msgspec names the root by reference; a validator resolves it within this document.
        return {"$schema": DIALECT, "$id": f"{ID_BASE}{name}.json", **body}
    return {"$schema": DIALECT, "$id": f"{ID_BASE}{name}.json", "title": name, **body}


def render_all() -> dict[str, bytes]:
    """File name -> file content for every public type."""
    out: dict[str, bytes] = {}
    for name, tp in public_types().items():
        doc = schema_for(name, tp)
        out[f"{name}.json"] = msgspec.json.format(msgspec.json.encode(doc, order="sorted"), indent=2) + b"\n"
    return out


def write(directory: Path) -> list[str]:
    """Write every schema into `directory`, removing files of types that no longer exist."""
    directory.mkdir(parents=True, exist_ok=True)
    rendered = render_all()
    for stale in directory.glob("*.json"):
        if stale.name not in rendered:
            stale.unlink()
    for file_name, content in rendered.items():
        (directory / file_name).write_bytes(content)
    return sorted(rendered)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "openapi/schemas")
    written = write(target)
    print(f"wrote {len(written)} JSON Schemas to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
