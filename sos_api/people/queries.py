"""SQL for person identifiers (the lookup table beside each person's document)."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Identifier

from ..db.tables import person_identifiers


async def replace_identifiers(
    conn: AsyncConnection, la_code: str, person_id: UUID, identifiers: list[Identifier]
) -> None:
    """Keep the lookup rows equal to the person's current identifiers (history stays in record_versions)."""
    await conn.execute(sa.delete(person_identifiers).where(person_identifiers.c.person_id == person_id))
    rows = {(i.system.value, i.value) for i in identifiers}
    if rows:
        await conn.execute(
            person_identifiers.insert(),
            [{"person_id": person_id, "la_code": la_code, "system": s, "value": v} for s, v in sorted(rows)],
        )


def people_with_identifier(la_code: str, system: str, value: str) -> sa.Select[tuple[UUID]]:
    """Ids of this council's people holding an identifier (to filter a scoped select by)."""
    return sa.select(person_identifiers.c.person_id).where(
        person_identifiers.c.la_code == la_code,
        person_identifiers.c.system == system,
        person_identifiers.c.value == value,
    )
