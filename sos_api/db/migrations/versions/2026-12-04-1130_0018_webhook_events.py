"""Named webhook events (interop R31): the worker reads the document versions a change points at.

The webhook worker owes events outside any tenant (`sos_system`, migration 0004), and a named event such as
`cp_plan.ended` or `assessment_map.published` is told from the version the change wrote and the one before it
(sos_api/webhooks/events.py). `sos_system` already reads `records` of every council; it now reads
`record_versions` too, and nothing more (no INSERT, UPDATE or DELETE; the append-only trigger still applies).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 11:30:00
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("GRANT SELECT ON record_versions TO sos_system")
    op.execute("CREATE POLICY record_versions_system_select ON record_versions FOR SELECT TO sos_system USING (true)")


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS record_versions_system_select ON record_versions")
    op.execute("REVOKE SELECT ON record_versions FROM sos_system")
