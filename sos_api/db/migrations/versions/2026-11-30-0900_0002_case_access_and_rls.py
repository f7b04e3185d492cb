"""Case access grants, case involvements, and row-level security by council as a second wall.

The API runs every request's transaction as the role `sos_app` with `sos.la_codes` set to the councils the
caller may touch (db/engine.py). Policies below refuse any row of another council, so a query that forgot its
tenant filter still returns nothing. `sos_app` gets no DELETE on history or audit, and no UPDATE on them either.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "case",
    "person",
    "assessment_map",
    "danger_statement",
    "scaling_question",
    "scaling_judgement",
    "case_involvement",
)
TENANT = "la_code = ANY (string_to_array(current_setting('sos.la_codes', true), ','))"
# table -> privileges of the application role. Append-only tables get SELECT and INSERT only.
PRIVILEGES = {
    "records": "SELECT, INSERT, UPDATE",
    "record_versions": "SELECT, INSERT",
    "person_identifiers": "SELECT, INSERT, DELETE",
    "access_events": "SELECT, INSERT",
    "outbox": "SELECT, INSERT",
    "case_access": "SELECT, INSERT, DELETE",
}


def upgrade() -> None:
    op.create_table(
        "case_access",
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("source_id", sa.UUID(), nullable=False),
        sa.Column("grant", sa.String(length=250), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["records.id"], name=op.f("fk_case_access_case_id_records")),
        sa.PrimaryKeyConstraint("case_id", "source_id", "grant", name=op.f("pk_case_access")),
    )
    op.create_index("ix_case_access_grant", "case_access", ["grant", "la_code", "case_id"])
    op.drop_constraint(op.f("ck_records_kind_known"), "records", type_="check")
    op.create_check_constraint(
        op.f("ck_records_kind_known"), "records", "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")"
    )
    # Roles are cluster-wide: create it once, tolerate another database (or a concurrent migration) having done so.
    op.execute(
        """
        DO $$ BEGIN
            CREATE ROLE sos_app NOLOGIN NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$
        """
    )
    op.execute(
        """
        DO $$ BEGIN
            EXECUTE format('GRANT sos_app TO %I', current_user);
        EXCEPTION WHEN others THEN NULL;  -- superusers and owners that already hold it
        END $$
        """
    )
    op.execute("GRANT USAGE ON SCHEMA public TO sos_app")
    op.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO sos_app")
    for table, privileges in PRIVILEGES.items():
        op.execute(f"GRANT {privileges} ON {table} TO sos_app")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        check = f"la_code IS NULL OR {TENANT}" if table == "access_events" else TENANT
        op.execute(f"CREATE POLICY {table}_tenant ON {table} TO sos_app USING ({TENANT}) WITH CHECK ({check})")


def downgrade() -> None:
    for table in PRIVILEGES:
        op.execute(f"DROP POLICY IF EXISTS {table}_tenant ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute(f"REVOKE ALL ON {table} FROM sos_app")
    op.execute("REVOKE USAGE ON ALL SEQUENCES IN SCHEMA public FROM sos_app")
    op.execute("REVOKE USAGE ON SCHEMA public FROM sos_app")
    op.drop_constraint(op.f("ck_records_kind_known"), "records", type_="check")
    op.create_check_constraint(
        op.f("ck_records_kind_known"), "records", "kind IN (" + ", ".join(f"'{k}'" for k in KINDS[:-1]) + ")"
    )
    op.drop_index("ix_case_access_grant", table_name="case_access")
    op.drop_table("case_access")
