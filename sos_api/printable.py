"""Printable pages: a map and a child-centred safety plan as plain HTML a family can read and print (issue 14).

Rendered from Jinja2 templates in `sos_api/templates/` with autoescaping on, so whatever a record holds is shown
as text, never as markup. The pages have no script and no outside resources (fonts, images, styles are inline),
so they print the same anywhere. People are named as the reader may see them; someone the reader may not see is
"someone" (the page never reveals more than the record's own reads would).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import jinja2
import msgspec

from . import problems
from .context import Actor
from .db.engine import Database
from .resources.registry import resource
from .resources.service import read_one

HTML = "text/html"
_env = jinja2.Environment(
    loader=jinja2.PackageLoader("sos_api", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, **context: Any) -> bytes:
    return _env.get_template(template).render(**context).encode()


async def names(db: Database, actor: Actor, ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """The names of the people a page mentions, as the reader may see them (each read is recorded, BR-25)."""
    person = resource("person")
    found: dict[UUID, str] = {}
    for person_id in {i for i in ids if i is not None}:
        try:
            stored = await read_one(db, actor, person, person_id)
        except problems.NotFound:
            continue
        doc = msgspec.json.decode(stored.doc)
        found[person_id] = doc.get("known_as") or " ".join(
            part for part in (doc.get("given_names"), doc.get("family_name")) if part
        )
    return found
