"""SQL for person identifiers (the lookup table beside each person's document)."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Identifier

from ..db.locks import hold
from ..db.tables import person_identifiers, records


async def replace_identifiers(
    conn: AsyncConnection, la_code: str, person_id: UUID, identifiers: list[Identifier]
) -> None:
    """Keep the lookup rows equal to the person's current identifiers (history stays in record_versions)."""
    await conn.execute(sa.delete(person_identifiers).where(person_identifiers.c.person_id == person_id))
    rows = {(str(i.system), i.key_issuer, i.value) for i in identifiers}
    if rows:
        await conn.execute(
            person_identifiers.insert(),
            [
                {"person_id": person_id, "la_code": la_code, "system": s, "issuer": issuer, "value": v}
                for s, issuer, v in sorted(rows)
            ],
        )


def people_with_identifier(la_code: str, system: str, issuer: str | None, value: str) -> sa.Select[tuple[UUID]]:
    """Ids of this council's people holding an identifier (to filter a scoped select by); `issuer` None matches
    any issuer."""
    query = sa.select(person_identifiers.c.person_id).where(
        person_identifiers.c.la_code == la_code,
        person_identifiers.c.system == system,
        person_identifiers.c.value == value,
    )
    return query if issuer is None else query.where(person_identifiers.c.issuer == issuer)


async def lock_identifier(conn: AsyncConnection, la_code: str, system: str, issuer: str, value: str) -> None:
    """Serialise writes by one identifier in one council until the transaction ends, so two upserts racing on a
    new identifier cannot both create the person."""
    await hold(conn, la_code, system, issuer, value)


async def select_holders(conn: AsyncConnection, la_code: str, system: str, issuer: str, value: str) -> list[UUID]:
    """The council's people holding an identifier, whoever may see them (at most two: one is a match, two are
    ambiguous); people entered in error hold nothing."""
    held = people_with_identifier(la_code, system, issuer, value)
    query = (
        sa.select(records.c.id)
        .where(records.c.id.in_(held), records.c.la_code == la_code, sa.not_(records.c.entered_in_error))
        .order_by(records.c.id)
        .limit(2)
    )
    return list((await conn.execute(query)).scalars())
