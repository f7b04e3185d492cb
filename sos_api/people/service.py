"""People: demographics and identifiers, updatable with history, never silently overwritten (domain 2.3, 3.6)."""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    FieldError,
    Identifier,
    IdentifierSystem,
    Person,
    PersonCreate,
    is_test_nhs_number,
    parse_identifier_token,
)

from .. import problems
from ..context import Actor
from ..db.engine import Database
from ..db.records import Columns, StoredRecord, columns_of
from ..db.tables import records
from ..http import Cursors
from ..resources.registry import resource
from ..resources.service import fields_of, new_meta, next_meta, now, read_page
from . import queries

KIND = "person"


def check_identifiers(actor: Actor, identifiers: list[Identifier]) -> None:
    """BR-22: test-range NHS numbers are refused in production tenants."""
    if not actor.production:
        return
    for index, identifier in enumerate(identifiers):
        if identifier.system is IdentifierSystem.nhs_number and is_test_nhs_number(identifier.value):
            raise problems.RuleBroken(
                "Test-range NHS numbers (999...) are not accepted here.",
                rule="BR-22",
                errors=[FieldError(pointer=f"/identifiers/{index}/value", code="rule", detail="test range")],
            )


def columns_for(person: Person) -> Columns:
    # Reads of a person's record are reads about them (the access log's child_ids, BR-25).
    return columns_of(person, child_ids=(person.id,))


async def new_person(
    _: AsyncConnection, actor: Actor, __: StoredRecord | None, body: PersonCreate, person_id: UUID
) -> Person:
    check_identifiers(actor, body.identifiers)
    return Person(**fields_of(body), id=person_id, meta=new_meta(actor, now(), None))


async def next_person(_: AsyncConnection, actor: Actor, stored: StoredRecord, body: PersonCreate) -> Person:
    check_identifiers(actor, body.identifiers)
    old = msgspec.json.decode(stored.doc, type=Person)
    return Person(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()))


async def keep_identifiers(conn: AsyncConnection, _: Actor, person: Person, __: StoredRecord | None) -> None:
    await queries.replace_identifiers(conn, person.meta.la_code, person.id, person.identifiers)


def parse_identifier_filter(value: str) -> tuple[str, str]:
    """`system|value` (interop R1 token syntax) -> the stored system and canonical value; 400 if unreadable."""
    try:
        system, canonical = parse_identifier_token(value)
    except ValueError as exc:
        raise problems.BadRequest(f"{str(exc).capitalize()}.") from exc
    return system.value, canonical


async def list_people(
    db: Database, actor: Actor, cursors: Cursors, identifier: str | None, *, cursor: str | None, limit: int
) -> bytes:
    """The people the caller may see, or those holding one identifier (matching before creating someone)."""
    conditions = []
    if identifier is not None:
        system, value = parse_identifier_filter(identifier)
        conditions.append(records.c.id.in_(queries.people_with_identifier(actor.scope.tenant, system, value)))
    return await read_page(
        db, actor, cursors, resource(KIND), *conditions, binding=f"people:{identifier}", cursor=cursor, limit=limit
    )
