"""The statutory journey's second slice (issue 11): strategy discussions with their s47 enquiries, child protection
conferences and core groups, the statutory plans (early help, child in need, child protection, care, placement,
pathway), court work, and practice quality (supervision, group supervision, case audits, the family survey).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""

from sos_api.db.kind_check import add_kinds, remove_kinds

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KINDS = (
    "strategy_discussion",
    "conference",
    "core_group",
    "statutory_plan",
    "court_work",
    "group_supervision",
    "case_audit",
    "family_survey_response",
)


def upgrade() -> None:
    add_kinds(*KINDS)


def downgrade() -> None:
    remove_kinds(*KINDS)
