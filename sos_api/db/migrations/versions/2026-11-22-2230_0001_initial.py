"""Initial storage: records with version history, person identifiers, access events (append-only), outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 22:30:05.602007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_events",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("organisation", sa.String(length=60), nullable=False),
        sa.Column("client_app", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.UUID(), nullable=True),
        sa.Column("object_version", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.UUID(), nullable=True),
        sa.Column("child_ids", postgresql.ARRAY(sa.UUID()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("break_glass_reason", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_access_events")),
    )
    op.create_index("ix_access_events_children", "access_events", ["child_ids"], unique=False, postgresql_using="gin")
    op.create_index("ix_access_events_tenant_at", "access_events", ["la_code", "at"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_tenant_seq", "outbox", ["la_code", "seq"], unique=False)
    op.create_table(
        "records",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.UUID(), nullable=True),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("visibility", sa.String(length=40), server_default="family_shareable", nullable=False),
        sa.Column("child_ids", postgresql.ARRAY(sa.UUID()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("chain_no", sa.Integer(), nullable=True),
        sa.Column("doc", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_in_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('case', 'person', 'assessment_map', 'danger_statement', 'scaling_question', 'scaling_judgement')",
            name=op.f("ck_records_kind_known"),
        ),
        sa.CheckConstraint("la_code ~ '^[0-9]{3}$'", name=op.f("ck_records_la_code_format")),
        sa.CheckConstraint(
            "visibility IN ('family_shareable', 'professionals_only', 'restricted')",
            name=op.f("ck_records_visibility_known"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_records_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
    )
    op.create_index("ix_records_parent", "records", ["parent_id", "kind", "created_at"], unique=False)
    op.create_index("ix_records_tenant_kind_case", "records", ["la_code", "kind", "case_id", "id"], unique=False)
    op.create_index(
        "uq_records_current_map",
        "records",
        ["case_id"],
        unique=True,
        postgresql_where=sa.text("kind = 'assessment_map' AND status = 'current'"),
    )
    op.create_index(
        "uq_records_map_chain",
        "records",
        ["case_id", "chain_no"],
        unique=True,
        postgresql_where=sa.text("kind = 'assessment_map'"),
    )
    op.create_index(
        "uq_records_question_per_danger",
        "records",
        ["parent_id"],
        unique=True,
        postgresql_where=sa.text("kind = 'scaling_question' AND doc->'subject'->>'type' = 'danger_goal'"),
    )
    op.create_table(
        "person_identifiers",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("system", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["records.id"], name=op.f("fk_person_identifiers_person_id_records")),
        sa.PrimaryKeyConstraint("person_id", "system", "value", name=op.f("pk_person_identifiers")),
    )
    op.create_index("ix_person_identifiers_lookup", "person_identifiers", ["la_code", "system", "value"], unique=False)
    op.create_table(
        "record_versions",
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("doc", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_record_versions_record_id_records")),
        sa.PrimaryKeyConstraint("record_id", "version", name=op.f("pk_record_versions")),
    )

    # Hand-written: history and the audit trail are append-only, for every role including administrators
    # (domain 2.25, 3.6). The database refuses UPDATE and DELETE whatever the application does.
    op.execute(
        """
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    for table in ("access_events", "record_versions", "outbox"):
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} EXECUTE FUNCTION refuse_change()")


def downgrade() -> None:
    for table in ("access_events", "record_versions", "outbox"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_change()")
    op.drop_table("record_versions")
    op.drop_index("ix_person_identifiers_lookup", table_name="person_identifiers")
    op.drop_table("person_identifiers")
    op.drop_index(
        "uq_records_question_per_danger",
        table_name="records",
        postgresql_where=sa.text("kind = 'scaling_question' AND doc->'subject'->>'type' = 'danger_goal'"),
    )
    op.drop_index("uq_records_map_chain", table_name="records", postgresql_where=sa.text("kind = 'assessment_map'"))
    op.drop_index(
        "uq_records_current_map",
        table_name="records",
        postgresql_where=sa.text("kind = 'assessment_map' AND status = 'current'"),
    )
    op.drop_index("ix_records_tenant_kind_case", table_name="records")
    op.drop_index("ix_records_parent", table_name="records")
    op.drop_table("records")
    op.drop_index("ix_outbox_tenant_seq", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_access_events_tenant_at", table_name="access_events")
    op.drop_index("ix_access_events_children", table_name="access_events", postgresql_using="gin")
    op.drop_table("access_events")
