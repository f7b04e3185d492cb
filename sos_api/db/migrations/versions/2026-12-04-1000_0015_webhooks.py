"""Webhooks (interop R25, R30, R31): subscriptions per client organisation and the deliveries owed to each.

- `webhook_subscriptions`: one per target URL, owned by an organisation (`owner`, e.g. "la:845" or "ods:RX1"),
  with the role it was made in (which decides what it may be told, auth/policy.py `subscriber_scope`), the event
  types wanted, the signing secret (and the previous one while a rotation overlaps), and how far through the
  outbox the worker has looked (`after_txid`, `after_seq`, the changes feed's commit order).
- `webhook_deliveries`: one per (subscription, outbox change), unique, so an event is owed once whatever number
  of workers enqueue it; claimed with `FOR UPDATE SKIP LOCKED` and a lease (`next_attempt_at`).
- Row-level security: a request (`sos_app`) sees only its own organisation's subscriptions and deliveries
  (`sos.webhook_owner`, set by sos_api/webhooks/queries.py); the worker runs as the login outside any tenant
  (`sos_system`) and may read and update both, and add deliveries. Nothing is deleted.
- `access_events`: the worker (`sos_system`) may add the `search_result` event a delivered webhook is (an
  organisation was told a record changed, as a changes-feed page records each change it lists), and only that.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04 10:00:00
"""

from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

OWNER = "owner = current_setting('sos.webhook_owner', true)"
GRANTS = (
    ("webhook_subscriptions", "sos_app", "SELECT, INSERT, UPDATE"),
    ("webhook_subscriptions", "sos_system", "SELECT, UPDATE"),
    ("webhook_deliveries", "sos_app", "SELECT, UPDATE"),
    ("webhook_deliveries", "sos_system", "SELECT, INSERT, UPDATE"),
)


# Only the event of a delivered webhook: allowed, for integration sync, by a subscription (the worker's own actor).
DELIVERED = (
    "outcome = 'allowed' AND action = 'search_result' AND purpose = 'integration_sync' "
    "AND actor LIKE 'webhook-subscription:%'"
)


def upgrade() -> None:
    # SQL: xid8 has no SQLAlchemy type of its own (db/tables.py declares one for the app).
    op.execute(
        """
        CREATE TABLE webhook_subscriptions (
            id UUID NOT NULL,
            owner VARCHAR(60) NOT NULL,
            la_code VARCHAR(3),
            role VARCHAR(40) NOT NULL,
            created_by VARCHAR(200) NOT NULL,
            client_app VARCHAR(200),
            url TEXT NOT NULL,
            event_types TEXT[] NOT NULL,
            enabled BOOLEAN NOT NULL,
            disabled_reason VARCHAR(200),
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_secret_until TIMESTAMP WITH TIME ZONE,
            version INTEGER NOT NULL,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL,
            updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
            after_txid xid8 NOT NULL,
            after_seq BIGINT NOT NULL,
            CONSTRAINT pk_webhook_subscriptions PRIMARY KEY (id)
        )
        """
    )
    op.execute("CREATE INDEX ix_webhook_subscriptions_owner ON webhook_subscriptions (owner, created_at, id)")
    op.execute(
        """
        CREATE TABLE webhook_deliveries (
            id UUID NOT NULL,
            subscription_id UUID NOT NULL,
            owner VARCHAR(60) NOT NULL,
            seq BIGINT NOT NULL,
            txid xid8 NOT NULL,
            la_code VARCHAR(3) NOT NULL,
            kind VARCHAR(40) NOT NULL,
            record_id UUID NOT NULL,
            version INTEGER NOT NULL,
            op VARCHAR(20) NOT NULL,
            event_type VARCHAR(80) NOT NULL,
            occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
            status VARCHAR(20) NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
            last_attempt_at TIMESTAMP WITH TIME ZONE,
            last_status INTEGER,
            last_error VARCHAR(300),
            delivered_at TIMESTAMP WITH TIME ZONE,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL,
            CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
            CONSTRAINT uq_webhook_deliveries_subscription_id UNIQUE (subscription_id, seq),
            CONSTRAINT fk_webhook_deliveries_subscription_id_webhook_subscriptions FOREIGN KEY (subscription_id)
                REFERENCES webhook_subscriptions (id),
            CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'failed'))
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'"
    )
    for table in ("webhook_subscriptions", "webhook_deliveries"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_owner ON {table} TO sos_app USING ({OWNER}) WITH CHECK ({OWNER})")
        op.execute(f"CREATE POLICY {table}_system ON {table} TO sos_system USING (true) WITH CHECK (true)")
    for table, role, commands in GRANTS:
        op.execute(f"GRANT {commands} ON {table} TO {role}")
    op.execute(
        f"CREATE POLICY access_events_system_webhook ON access_events FOR INSERT TO sos_system WITH CHECK ({DELIVERED})"
    )


def downgrade() -> None:
    op.execute("DROP POLICY access_events_system_webhook ON access_events")
    for table, role, commands in GRANTS:
        op.execute(f"REVOKE {commands} ON {table} FROM {role}")
    op.execute("DROP TABLE webhook_deliveries")
    op.execute("DROP TABLE webhook_subscriptions")
