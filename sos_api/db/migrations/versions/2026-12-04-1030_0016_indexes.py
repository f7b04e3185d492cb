"""An index for the access log's per-case view, found with EXPLAIN (ANALYZE, BUFFERS) on synthetic data
(`sos-api synth`, bench/README.md).

`ix_access_events_case_seq` (case_id, seq): an auditor's "who looked at this case" (GET /v1/access-events?case=,
newest first) scanned the council's whole access log, the fastest-growing table: at 20,000 synthetic cases
(920,000 events) a parallel sequential scan of 32,861 buffers, 202 ms; with the index, 8 buffers and 0.14 ms. At
a million cases the scan would be fifty times longer. Its cost is one more index entry per access event.

Tried and left out: (la_code, kind, created_at, id) on records for collections' newest-first pages. The planner
keeps joining the caller's visible cases (case_access) to records by key and sorting them, so the index went
unused (GET /v1/cases?limit=50 for a team of 1,305 cases: 43 ms, 6,224 buffers, with or without it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 10:30:00
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_access_events_case_seq", "access_events", ["case_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_access_events_case_seq", table_name="access_events")
