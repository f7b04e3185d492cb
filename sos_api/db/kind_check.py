"""The CHECK that names the kinds `records` accepts (ck_records_kind_known), for migrations: a migration that adds
a kind says only which kind it adds. Kept stable, since applied migrations call it for ever."""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

CHECK = "ck_records_kind_known"


def accepted_kinds() -> list[str]:
    """The kinds the live CHECK accepts, in its order."""
    query = sa.text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :name")
    definition = op.get_bind().scalar(query, {"name": CHECK})
    return re.findall(r"'([a-z_]+)'", definition or "")


def _accept(kinds: Iterable[str]) -> None:
    # op.f: the name is already final, not one for the naming convention to build on.
    op.drop_constraint(op.f(CHECK), "records", type_="check")
    op.create_check_constraint(op.f(CHECK), "records", "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def add_kinds(*added: str) -> None:
    _accept([*accepted_kinds(), *(k for k in added if k not in accepted_kinds())])


def remove_kinds(*removed: str) -> None:
    """The narrower CHECK is refused while records of a removed kind exist: no record is silently dropped."""
    _accept([k for k in accepted_kinds() if k not in removed])
