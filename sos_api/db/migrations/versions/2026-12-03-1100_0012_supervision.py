"""Individual supervision (domain 2.24): supervision records, which belong to no case and are reached through the
people they name (`records.audience`), and the summary each case discussed keeps of what was decided.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:00:00
"""

from sos_api.db.kind_check import add_kinds, remove_kinds

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS = ("supervision_record", "supervision_summary")


def upgrade() -> None:
    add_kinds(*KINDS)


def downgrade() -> None:
    remove_kinds(*KINDS)
