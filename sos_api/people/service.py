"""People: demographics and identifiers, updatable with history, never silently overwritten (domain 2.3, 3.6)."""

from __future__ import annotations

import urllib.parse
from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    FieldError,
    Identifier,
    IdentifierSystem,
    Person,
    PersonCreate,
    in_council,
    is_test_nhs_number,
    normalise_identifier,
    resolve_system,
    system_uri,
)

from .. import problems
from ..context import Actor
from ..db.engine import Database
from ..db.records import Columns, StoredRecord, columns_of
from ..db.tables import records
from ..http import Cursors
from ..resources.registry import resource
from ..resources.service import (
    Written,
    as_read,
    fields_of,
    insert,
    load_for_update,
    new_id,
    new_meta,
    next_meta,
    now,
    read_page,
    update,
)
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


def _fields(actor: Actor, body: PersonCreate, la_code: str) -> dict[str, Any]:
    """The person's fields from the client's, with a council's own identifiers sent as bare aliases bound to
    the council the person is recorded in (interop R1)."""
    check_identifiers(actor, body.identifiers)
    return fields_of(body) | {"identifiers": in_council(body.identifiers, la_code)}


async def new_person(
    _: AsyncConnection, actor: Actor, __: StoredRecord | None, body: PersonCreate, person_id: UUID
) -> Person:
    return Person(**_fields(actor, body, actor.scope.tenant), id=person_id, meta=new_meta(actor, now(), None))


async def next_person(_: AsyncConnection, actor: Actor, stored: StoredRecord, body: PersonCreate) -> Person:
    old = msgspec.json.decode(stored.doc, type=Person)
    return Person(**_fields(actor, body, old.meta.la_code), id=old.id, meta=next_meta(old.meta, actor, now()))


async def keep_identifiers(conn: AsyncConnection, _: Actor, person: Person, __: StoredRecord | None) -> None:
    await queries.replace_identifiers(conn, person.meta.la_code, person.id, person.identifiers)


# --- finding people by identifier (interop R1, R2) ---------------------------------------------------

SYNTAX = (
    "identifier must be system|value, the system a registered URI or its alias (GET /v1/identifier-systems), "
    "e.g. https://fhir.nhs.uk/Id/nhs-number|9434765919."
)


def _split(text: str) -> tuple[str, str]:
    system, sep, value = text.partition("|")
    if not sep or not value.strip():
        raise problems.BadRequest(SYNTAX)
    return system, value


def parse_identifier_filter(actor: Actor, text: str, issuer: str | None) -> tuple[str, str | None, str]:
    """`system|value` (interop R1 token syntax) -> the stored system URI, the issuer to match (None: any) and the
    canonical value; 400 if unreadable. A council's own system sent as its alias is the caller's council's."""
    system_text, raw = _split(text)
    try:
        scheme, la_code = resolve_system(system_text)
    except ValueError as exc:
        raise problems.BadRequest(SYNTAX) from exc
    if scheme.per_council:
        return system_uri(scheme, la_code or actor.scope.tenant), "", normalise_identifier(scheme, raw)
    key_issuer = issuer if scheme.per_issuer else ""
    return scheme.value, key_issuer, normalise_identifier(scheme, raw)


def identifier_of(actor: Actor, text: str, issuer: str | None) -> Identifier:
    """One whole identifier named in a request (`system|value`, and the issuer where the system needs one),
    checked as one sent in a body would be: 400 naming what is wrong."""
    system, value = _split(text)
    try:
        [found] = in_council(
            [msgspec.convert({"system": system, "value": value, "issuer": issuer}, Identifier)], actor.scope.tenant
        )
    except msgspec.ValidationError as exc:
        raise problems.BadRequest(f"The identifier is not valid: {exc}. {SYNTAX}") from exc
    return found


async def sole_holder(conn: AsyncConnection, actor: Actor, identifier: Identifier) -> UUID | None:
    """The one person in the caller's council holding `identifier`, or None; 412 when several do (interop R2),
    naming none of them. Locks the identifier until the transaction ends, so racing upserts cannot both create."""
    key = (actor.scope.tenant, str(identifier.system), identifier.key_issuer, identifier.value)
    await queries.lock_identifier(conn, *key)
    holders = await queries.select_holders(conn, *key)
    if len(holders) > 1:
        raise problems.AmbiguousIdentifier(
            "More than one person in this council holds this identifier; resolve the duplicate (merge) first."
        )
    return holders[0] if holders else None


async def existing_person(conn: AsyncConnection, actor: Actor, condition: str) -> UUID | None:
    """`If-None-Exist: identifier=system|value` (and `&issuer=...` for systems issued per force): the person
    already holding it."""
    query = urllib.parse.parse_qs(condition, keep_blank_values=True)
    unknown = query.keys() - {"identifier", "issuer"}
    identifier, issuer = query.get("identifier", []), query.get("issuer", [])
    if unknown or len(identifier) != 1 or len(issuer) > 1:
        raise problems.BadRequest("If-None-Exist must be identifier=system|value, optionally with &issuer=...")
    return await sole_holder(conn, actor, identifier_of(actor, identifier[0], issuer[0] if issuer else None))


async def upsert_person(
    db: Database, actor: Actor, identifier_text: str, issuer: str | None, expected: int | None, body: PersonCreate
) -> Written:
    """`PUT /v1/people?identifier=system|value` (interop R2), one transaction: no one in the caller's council
    holds it -> create; exactly one -> replace them, under the same If-Match rule as their own PUT (BR-24: a
    person's record is never overwritten unseen); several -> 412. The body must carry the identifier, or the
    next upsert would not find who this one made."""
    identifier = identifier_of(actor, identifier_text, issuer)
    bound = in_council(body.identifiers, actor.scope.tenant)
    key = (identifier.system, identifier.key_issuer, identifier.value)
    if not any((i.system, i.key_issuer, i.value) == key for i in bound):
        raise problems.RuleBroken(
            "The body's identifiers must include the identifier in the query.",
            errors=[FieldError(pointer="/identifiers", code="missing", detail="the query's identifier is not here")],
        )
    res = resource(KIND)
    async with db.begin(actor.scope) as conn:
        holder = await sole_holder(conn, actor, identifier)
        if holder is None:
            if expected is not None:
                raise problems.VersionConflict("If-Match was sent, but no person holds this identifier yet.")
            doc = await new_person(conn, actor, None, body, new_id())
            written = await insert(conn, actor, res, doc, doc.meta.created_at)
            await keep_identifiers(conn, actor, doc, None)
            return await as_read(conn, actor, res, written)
        if expected is None:
            raise problems.PreconditionRequired(
                'A person holds this identifier: send If-Match with the ETag you read, e.g. If-Match: W/"3".'
            )
        stored = await load_for_update(conn, actor, res, holder, expected)
        doc = await next_person(conn, actor, stored, body)
        await keep_identifiers(conn, actor, doc, stored)
        written = await update(conn, actor, res, stored, doc, doc.meta.updated_at)
        return msgspec.structs.replace(await as_read(conn, actor, res, written), created=False)


async def list_people(
    db: Database,
    actor: Actor,
    cursors: Cursors,
    identifier: str | None,
    *,
    issuer: str | None = None,
    cursor: str | None,
    limit: int,
) -> bytes:
    """The people the caller may see, or those holding one identifier (matching before creating someone)."""
    conditions = []
    if identifier is not None:
        system, key_issuer, value = parse_identifier_filter(actor, identifier, issuer)
        conditions.append(
            records.c.id.in_(queries.people_with_identifier(actor.scope.tenant, system, key_issuer, value))
        )
    binding = f"people:{identifier}|{issuer}"
    return await read_page(db, actor, cursors, resource(KIND), *conditions, binding=binding, cursor=cursor, limit=limit)
