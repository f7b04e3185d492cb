"""The changes feed (interop R5, R6): commit order on the outbox, the client a change came through, and pruning.

- `outbox.txid` (xid8, default `pg_current_xact_id()`): the writing transaction. The feed serves only rows whose
  transaction is below `pg_snapshot_xmin(pg_current_snapshot())` (every transaction below it has finished), ordered
  by (txid, seq), so a transaction that took a lower `seq` but committed later is never skipped. Rows already
  stored all get this migration's transaction id, which keeps their `seq` order.
- `outbox.source_system`: the client application a change came through (the token's azp).
- `changes_horizon`: per council, the position of the newest change pruned; older cursors are 410 cursor-expired.
- Pruning (`sos-api prune-changes`) runs as the login outside any tenant (role `sos_system`, migration 0004),
  which may now read and delete outbox rows and keep the horizon. The outbox stays append-only otherwise: a
  trigger refuses every UPDATE, and any DELETE of a change younger than the 35 days interop R5 promises, for every
  role, the owner included.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TENANT = "la_code = ANY (string_to_array(current_setting('sos.la_codes', true), ','))"
# (table, command, the policy's clause) for the pruning login.
SYSTEM_POLICIES = (
    ("outbox", "SELECT", "USING (true)"),
    ("outbox", "DELETE", "USING (true)"),
    ("changes_horizon", "SELECT", "USING (true)"),
    ("changes_horizon", "INSERT", "WITH CHECK (true)"),
    ("changes_horizon", "UPDATE", "USING (true) WITH CHECK (true)"),
)


def upgrade() -> None:
    # Written as SQL: xid8 has no SQLAlchemy type of its own (db/tables.py declares one for the app).
    op.execute("ALTER TABLE outbox ADD COLUMN txid xid8 DEFAULT pg_current_xact_id() NOT NULL")
    op.add_column("outbox", sa.Column("source_system", sa.String(length=200), nullable=True))
    op.drop_index("ix_outbox_tenant_seq", table_name="outbox")
    op.create_index("ix_outbox_tenant_txid_seq", "outbox", ["la_code", "txid", "seq"])
    op.create_index("ix_outbox_changed_at", "outbox", ["changed_at"])
    op.execute(
        """
        CREATE TABLE changes_horizon (
            la_code VARCHAR(3) NOT NULL,
            txid xid8 NOT NULL,
            seq BIGINT NOT NULL,
            pruned_at TIMESTAMP WITH TIME ZONE NOT NULL,
            CONSTRAINT pk_changes_horizon PRIMARY KEY (la_code)
        )
        """
    )
    op.execute("GRANT SELECT ON changes_horizon TO sos_app")
    op.execute("ALTER TABLE changes_horizon ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY changes_horizon_tenant ON changes_horizon TO sos_app USING ({TENANT})")
    for table, command, clause in SYSTEM_POLICIES:
        op.execute(f"GRANT {command} ON {table} TO sos_system")
        op.execute(f"CREATE POLICY {table}_system_{command.lower()} ON {table} FOR {command} TO sos_system {clause}")
    # The outbox was append-only (migration 0001); now only changes older than R5's 35 days may go.
    op.execute("DROP TRIGGER outbox_append_only ON outbox")
    op.execute(
        """
        CREATE FUNCTION outbox_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND OLD.changed_at < now() - interval '35 days' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'outbox is append-only; changes are kept at least 35 days'
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_keep BEFORE UPDATE OR DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_keep()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER outbox_keep ON outbox")
    op.execute("DROP FUNCTION outbox_keep()")
    op.execute(
        "CREATE TRIGGER outbox_append_only BEFORE UPDATE OR DELETE ON outbox "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
    )
    for table, command, _ in SYSTEM_POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {table}_system_{command.lower()} ON {table}")
        op.execute(f"REVOKE {command} ON {table} FROM sos_system")
    op.drop_table("changes_horizon")
    op.drop_index("ix_outbox_changed_at", table_name="outbox")
    op.drop_index("ix_outbox_tenant_txid_seq", table_name="outbox")
    op.create_index("ix_outbox_tenant_seq", "outbox", ["la_code", "seq"])
    op.drop_column("outbox", "source_system")
    op.drop_column("outbox", "txid")
