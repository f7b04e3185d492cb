"""Checks every area makes against a case's members: that the people a record is about are the case's children."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Case, FieldError, MemberRole, Person

from ..context import Actor
from ..db import records as q
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
