"""Safe retries (interop R12): the stored response of each caller's `Idempotency-Key`.

The application role reads and writes its callers' keys (a key that has expired but is not yet pruned is
replaced, so it may delete and insert); row-level security keeps a council's keys to that council, as for the
records they copy. `sos_system` may read and delete expired keys only: pruning runs outside any tenant.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TENANT = "la_code IS NULL OR la_code = ANY (string_to_array(current_setting('sos.la_codes', true), ','))"
EXPIRED = "expires_at < now()"


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("etag", sa.String(length=20), nullable=True),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.UUID(), nullable=False),
        sa.Column("object_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])
    op.execute("GRANT SELECT, INSERT, DELETE ON idempotency_keys TO sos_app")
    op.execute("ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY idempotency_keys_tenant ON idempotency_keys TO sos_app USING ({TENANT}) WITH CHECK ({TENANT})"
    )
    op.execute("GRANT SELECT, DELETE ON idempotency_keys TO sos_system")
    for command in ("SELECT", "DELETE"):
        op.execute(
            f"CREATE POLICY idempotency_keys_system_{command.lower()} ON idempotency_keys FOR {command} "
            f"TO sos_system USING ({EXPIRED})"
        )


def downgrade() -> None:
    for name in ("idempotency_keys_system_delete", "idempotency_keys_system_select", "idempotency_keys_tenant"):
        op.execute(f"DROP POLICY IF EXISTS {name} ON idempotency_keys")
    op.execute("REVOKE ALL ON idempotency_keys FROM sos_system")
    op.execute("REVOKE ALL ON idempotency_keys FROM sos_app")
    op.drop_index("ix_idempotency_keys_expires_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
