"""Materialised measures (issue 14): `measure_values` keeps each measure's monthly figures per council and grouping
(default parameters), written by `sos-api measures-refresh`, so the scorecard over a large council answers from a
few hundred rows instead of scanning every record. The app reads and rewrites a council's rows within its tenant
(row-level security as on `records`).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TENANT = "la_code = ANY (string_to_array(current_setting('sos.la_codes', true), ','))"


def upgrade() -> None:
    op.create_table(
        "measure_values",
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("group_by", sa.String(length=20), nullable=False),
        sa.Column("grp", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("numerator", sa.BigInteger(), nullable=False),
        sa.Column("denominator", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("la_code", "code", "group_by", "period_start", "grp", name="pk_measure_values"),
    )
    op.execute("GRANT SELECT, INSERT, DELETE ON measure_values TO sos_app")
    op.execute("ALTER TABLE measure_values ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY measure_values_tenant ON measure_values TO sos_app USING ({TENANT}) WITH CHECK ({TENANT})"
    )


def downgrade() -> None:
    op.drop_table("measure_values")
