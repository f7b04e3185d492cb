"""SQL for assessment maps and danger statements beyond the shared record selects (db/records.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db.tables import records

MAP_KIND = "assessment_map"


class ChainTail(msgspec.Struct, frozen=True):
    """The newest map in a case's chain of map versions."""

    id: UUID
    chain_no: int


async def select_chain_tail(conn: AsyncConnection, la_code: str, case_id: UUID) -> ChainTail | None:
    """The case's map with the highest chain number. Counts every map, hidden or entered in error, so a
    chain number is never given out twice (the unique index uq_records_map_chain would refuse it)."""
    row = (
        await conn.execute(
            sa.select(records.c.id, records.c.chain_no)
            .where(records.c.la_code == la_code, records.c.kind == MAP_KIND, records.c.case_id == case_id)
            .order_by(records.c.chain_no.desc())
            .limit(1)
        )
    ).first()
    return ChainTail(row.id, row.chain_no) if row else None


def overall_question_of(map_id: UUID) -> tuple[Any, ...]:
    """Conditions that pick a map's overall scaling question: its child question about the whole map."""
    return (records.c.parent_id == map_id, records.c.doc[("subject", "type")].astext == "map_overall")
