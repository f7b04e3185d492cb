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
    normalise_identifier,
)

from .. import problems
from ..context import Actor
from ..db.engine import Database
from ..db.records import StoredRecord
from ..settings import Settings
from ..versioned import Columns, Written, fields_of, insert, new_id, new_meta, next_meta, now, replace
from . import queries

KIND = "person"


def check_identifiers(settings: Settings, identifiers: list[Identifier]) -> None:
    """BR-22: test-range NHS numbers are refused in production tenants."""
    if not settings.production:
        return
    for index, identifier in enumerate(identifiers):
        if identifier.system is IdentifierSystem.nhs_number and is_test_nhs_number(identifier.value):
            raise problems.RuleBroken(
                "Test-range NHS numbers (999...) are not accepted here.",
                rule="BR-22",
                errors=[FieldError(pointer=f"/identifiers/{index}/value", code="rule", detail="test range")],
            )


def columns_for(person: Person) -> Columns:
    return Columns(visibility=person.visibility.value, child_ids=(person.id,))


async def create_person(db: Database, settings: Settings, actor: Actor, body: PersonCreate) -> Written:
    check_identifiers(settings, body.identifiers)
    async with db.begin(actor.scope) as conn:
        at, person_id = now(), new_id()
        person = Person(**fields_of(body), id=person_id, meta=new_meta(actor, at, None))
        written = await insert(conn, actor, KIND, person_id, person, columns_for(person), at)
        await queries.replace_identifiers(conn, actor.scope.tenant, person_id, body.identifiers)
        return written


async def replace_person(
    db: Database, settings: Settings, actor: Actor, person_id: UUID, expected: int, body: PersonCreate
) -> Written:
    check_identifiers(settings, body.identifiers)

    async def build(conn: AsyncConnection, stored: StoredRecord) -> tuple[Person, Columns]:
        old = msgspec.json.decode(stored.doc, type=Person)
        person = Person(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()))
        await queries.replace_identifiers(conn, actor.scope.tenant, person_id, body.identifiers)
        return person, columns_for(person)

    return await replace(db, actor, KIND, person_id, expected, build)


def parse_identifier_filter(value: str) -> tuple[str, str]:
    """`system|value` (interop R1 token syntax) -> the stored system and canonical value; 400 if unreadable."""
    system_text, sep, raw = value.partition("|")
    try:
        system = IdentifierSystem(system_text)
    except ValueError as exc:
        allowed = ", ".join(s.value for s in IdentifierSystem)
        raise problems.BadRequest(f"identifier must be system|value with system one of: {allowed}.") from exc
    if not sep or not raw.strip():
        raise problems.BadRequest("identifier must be system|value, e.g. nhs_number|9434765919.")
    return system.value, normalise_identifier(system, raw)
