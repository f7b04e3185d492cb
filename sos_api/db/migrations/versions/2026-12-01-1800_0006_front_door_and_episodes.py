"""The statutory journey's first kinds (issue 11): front-door contacts and referrals, each child's episodes at a
level of involvement, and the step changes between levels.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:00:00
"""

from sos_api.db.kind_check import add_kinds, remove_kinds

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KINDS = ("referral", "child_episode", "step_change")


def upgrade() -> None:
    add_kinds(*KINDS)


def downgrade() -> None:
    remove_kinds(*KINDS)
