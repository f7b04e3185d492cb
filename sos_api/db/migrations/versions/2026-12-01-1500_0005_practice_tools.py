"""The Signs of Safety tools around the map (issue 10): safety networks and network meetings, safety plans and
their check-ins, child-centred safety plans, words and pictures, the child's voice and the alerts it raises; and
`audience`, the people of a family a record may be shown to (BR-11: a child's consent to share).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from sos_api.db.kind_check import add_kinds, remove_kinds

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KINDS = (
    "network",
    "network_meeting",
    "safety_plan",
    "plan_check_in",
    "child_safety_plan",
    "words_and_pictures",
    "child_voice",
    "alert",
)


def upgrade() -> None:
    add_kinds(*KINDS)
    op.add_column("records", sa.Column("audience", ARRAY(UUID(as_uuid=True)), nullable=True))


def downgrade() -> None:
    op.drop_column("records", "audience")
    remove_kinds(*KINDS)
