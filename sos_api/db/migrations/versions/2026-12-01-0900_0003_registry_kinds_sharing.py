"""The registered kinds (relationships join), sharing professionals_only records with agencies, and records
entered in error left out of the one-current-map and one-question-per-danger rules (BR-23).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from sos_api.db.kind_check import add_kinds, remove_kinds

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CURRENT_MAP = "kind = 'assessment_map' AND status = 'current'"
QUESTION_PER_DANGER = "kind = 'scaling_question' AND doc->'subject'->>'type' = 'danger_goal'"


def _unique_indexes(extra: str) -> None:
    op.drop_index("uq_records_current_map", table_name="records")
    op.drop_index("uq_records_question_per_danger", table_name="records")
    op.create_index(
        "uq_records_current_map", "records", ["case_id"], unique=True, postgresql_where=sa.text(CURRENT_MAP + extra)
    )
    op.create_index(
        "uq_records_question_per_danger",
        "records",
        ["parent_id"],
        unique=True,
        postgresql_where=sa.text(QUESTION_PER_DANGER + extra),
    )


def upgrade() -> None:
    add_kinds("relationship")
    op.add_column(
        "records", sa.Column("shared_with_agencies", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    _unique_indexes(" AND NOT entered_in_error")


def downgrade() -> None:
    _unique_indexes("")
    op.drop_column("records", "shared_with_agencies")
    remove_kinds("relationship")
