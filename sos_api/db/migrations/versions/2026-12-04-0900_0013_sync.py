"""Sync by source key (interop R3): the key each synced record has in its council's system.

(council, kind, system, source_id) is the primary key, so two sync clients racing one upsert cannot both create;
a record has at most one key. Row-level security keeps a council's keys to that council, as for its records; the
application role reads and inserts keys, never changes or deletes them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TENANT = "la_code = ANY (string_to_array(current_setting('sos.la_codes', true), ','))"


def upgrade() -> None:
    op.create_table(
        "source_keys",
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_source_keys_record_id_records")),
        sa.PrimaryKeyConstraint("la_code", "kind", "system", "source_id", name=op.f("pk_source_keys")),
    )
    op.create_index("ux_source_keys_record_id", "source_keys", ["record_id"], unique=True)
    op.execute("GRANT SELECT, INSERT ON source_keys TO sos_app")
    op.execute("ALTER TABLE source_keys ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY source_keys_tenant ON source_keys TO sos_app USING ({TENANT}) WITH CHECK ({TENANT})")


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS source_keys_tenant ON source_keys")
    op.execute("REVOKE ALL ON source_keys FROM sos_app")
    op.drop_index("ux_source_keys_record_id", table_name="source_keys")
    op.drop_table("source_keys")
