"""The role `sos_system`: the server's own bookkeeping outside any caller's tenant, for a login that is neither
superuser nor owner (conventions pitfall 20).

Two things run before (or without) `SET LOCAL ROLE sos_app`, as the login itself: finding the councils whose
cases involve an agency (db/engine.py `begin`, auth/policy.py `councils_of`), and recording a refused attempt
against the record it named (audit/denials.py, `begin_system`). A superuser or owner login bypassed row-level
security there; an ordinary login sees no rows at all. Members of `sos_system` may read `records` and
`case_access` of every council and add (and read back) `denied` access events, and nothing more: no UPDATE or
DELETE anywhere, and the append-only triggers still apply. Inside a request transaction the current role is
`sos_app`, which is not a member of `sos_system`, so these policies do not apply there and the tenant wall stands.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, command, the policy's clause). Reading back its own denied events is needed by INSERT ... RETURNING,
# which SQLAlchemy adds to fetch the new row's key.
POLICIES = (
    ("records", "SELECT", "USING (true)"),
    ("case_access", "SELECT", "USING (true)"),
    ("access_events", "INSERT", "WITH CHECK (outcome = 'denied')"),
    ("access_events", "SELECT", "USING (outcome = 'denied')"),
)


def upgrade() -> None:
    # Roles are cluster-wide: create it once, tolerate another database (or a concurrent migration) having done so.
    op.execute(
        """
        DO $$ BEGIN
            CREATE ROLE sos_system NOLOGIN NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$
        """
    )
    for table, command, clause in POLICIES:
        op.execute(f"GRANT {command} ON {table} TO sos_system")
        op.execute(f"CREATE POLICY {table}_system_{command.lower()} ON {table} FOR {command} TO sos_system {clause}")


def downgrade() -> None:
    # The role stays: other databases on the server may use it (as migration 0002 leaves sos_app).
    for table, command, _ in POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {table}_system_{command.lower()} ON {table}")
        op.execute(f"REVOKE {command} ON {table} FROM sos_system")
