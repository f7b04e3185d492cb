"""Who owns what (interop R11, "system of record"): per council and per kind, the fields a council's own system
(an integration client: a `system` token) owns. Its nightly sync must never overwrite a practitioner's work.

By default (each kind's declaration: `SourceKeyed.owns`, `Resource.system_owns`) the council's system owns the
records it keeps: cases, people, child episodes and step changes, referrals and court work whole; of a statutory
plan, its type, children, lead, category, conference, review schedule and the statutory facts a CMS records, while
the plan's content (actions, contingency, the family's agreement, reviews, the words of the plan) is the
practitioners'. Every other kind (maps, danger statements, scaling, networks, safety plans, words and pictures,
the child's voice...) is wholly the practitioners'. A council overrides any kind in SOS_COUNCILS_FILE (`owns`).

A write from the council's system to a kind it owns nothing of, or that changes a field it does not own, is
refused with 409 `not-authoritative` naming the fields; nothing is written. A practitioner may still change a
field the system owns (domain 3.6: corrected with history, never silently overwritten): the next sync must send
If-Match with the version it read, so it sees the change (412) rather than overwriting it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from sos_schema import FieldError

from .. import problems
from ..auth.policy import SYNC_CLIENTS
from ..context import Actor
from .registry import Resource

# Server-kept facts a rebuilt version may change whoever writes it.
SERVER_FIELDS = frozenset({"/meta", "/id"})


def is_system(actor: Actor) -> bool:
    """A council's own system: an integration client."""
    return actor.role in SYNC_CLIENTS


def owns(actor: Actor, res: Resource) -> tuple[str, ...]:
    """The fields of `res` the caller's council's systems own: the council's setting, else the kind's default."""
    return actor.council_owns.get(res.kind, res.default_owns)


def check_kind(actor: Actor, res: Resource) -> None:
    """A council system writing a kind it owns nothing of: 409 `not-authoritative`."""
    if is_system(actor) and not owns(actor, res):
        raise problems.NotAuthoritative(
            f"{res.names.title.capitalize()} records are kept by this council's practitioners: its systems do not "
            "write them (interop R11).",
            errors=[FieldError(pointer="", code="not_authoritative", detail=f"{res.kind} is practitioner-owned")],
        )


def _content(value: Any) -> Any:
    """A list's items without the ids the server gives them (a plan's action ids): a client that sends the same
    items without their ids has changed nothing."""
    if isinstance(value, list):
        return [_content(v) for v in value]
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items()}
    return value


def _items(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: v for k, v in _content(i).items() if k != "id"} if isinstance(i, dict) else i for i in value]
    return value


def changed(old: Any, new: Any, at: str = "") -> list[str]:
    """The JSON Pointers where two decoded documents differ: objects compared member by member, anything else
    (lists included) whole, their items' server-given ids aside."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key in sorted(old.keys() | new.keys()):
            found += changed(old.get(key), new.get(key), f"{at}/{key}")
        return found
    return [] if _items(old) == _items(new) else [at]


def _within(pointer: str, owned: tuple[str, ...]) -> bool:
    return any(pointer == o or pointer.startswith(o + "/") or o == "" for o in owned)


def check_fields(actor: Actor, res: Resource, old_doc: bytes, new_doc: bytes) -> None:
    """A council system's next version may differ from the stored one only in the fields it owns: 409
    `not-authoritative` naming every other field it changed."""
    if not is_system(actor):
        return
    owned = owns(actor, res)
    check_kind(actor, res)
    differing = changed(msgspec.json.decode(old_doc), msgspec.json.decode(new_doc))
    foreign = [p for p in differing if not _within(p, owned) and not _within(p, tuple(SERVER_FIELDS))]
    if foreign:
        raise problems.NotAuthoritative(
            f"This council's system does not own {', '.join(foreign[:20])} of {res.a_title}: practitioners do "
            "(interop R11). Send those fields as you read them.",
            errors=[
                FieldError(pointer=p, code="not_authoritative", detail=f"{p} is practitioner-owned")
                for p in foreign[:500]
            ],
        )
