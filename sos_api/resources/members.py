"""Checks every area makes against its case: that the people a record is about are the case's children, and that
the records it names (a map, judgements, dangers, reports) are the case's own."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Case, FieldError, MemberRole, Person

from ..context import Actor
from ..db import records as q
from ..db.records import StoredRecord
from .registry import resource

CHILD_ROLES = frozenset({MemberRole.child, MemberRole.unborn_child})


async def not_children(
    conn: AsyncConnection, actor: Actor, case: Case, child_ids: Sequence[UUID], pointer: str
) -> list[FieldError]:
    """Each id is a child or unborn child of the case; an unborn child has an expected date of birth (BR-20).
    `pointer` is the JSON Pointer of each id, with `{i}` for its index."""
    roles = {m.person_id: m.role for m in case.members}
    found = await q.select_where(conn, actor.scope, resource("person"), q.having_ids(child_ids))
    people = {p.id: msgspec.json.decode(p.doc, type=Person) for p in found}
    errors = []
    for i, child in enumerate(child_ids):
        at = pointer.format(i=i)
        person = people.get(child)
        if roles.get(child) not in CHILD_ROLES:
            errors.append(
                FieldError(pointer=at, code="not_a_child_of_case", detail=f"{child} is not a child in this case")
            )
        elif person is None or (person.date_of_birth is None and person.expected_date_of_birth is None):
            detail = f"BR-20: {child} is an unborn child with no expected date of birth"
            errors.append(FieldError(pointer=at, code="unborn_without_expected_date", detail=detail))
    return errors


async def records_in_case(
    conn: AsyncConnection, actor: Actor, kind: str, case_id: UUID | None, named: Sequence[tuple[str, UUID]]
) -> tuple[dict[UUID, StoredRecord], list[FieldError]]:
    """The records of `kind` a body names (each id at its JSON Pointer) that are this case's, as the caller may see
    them, and a `not_of_case` error for each that is not."""
    if not named:
        return {}, []
    res = resource(kind)
    found = (
        await q.select_where(
            conn, actor.scope, res, q.having_ids({i for _, i in named}), q.belonging_to("case_id", case_id)
        )
        if case_id is not None
        else []
    )
    by_id = {r.id: r for r in found}
    errors = [
        FieldError(pointer=at, code="not_of_case", detail=f"{i} is not {res.a_title} of this case")
        for at, i in named
        if i not in by_id
    ]
    return by_id, errors


async def not_of_case(
    conn: AsyncConnection, actor: Actor, kind: str, case_id: UUID | None, named: Sequence[tuple[str, UUID]]
) -> list[FieldError]:
    """A `not_of_case` error for each record of `kind` named that is not this case's."""
    return (await records_in_case(conn, actor, kind, case_id, named))[1]
