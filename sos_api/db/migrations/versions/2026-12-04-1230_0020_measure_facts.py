"""Measure facts (issue 14): the few fields each measure reads, kept per record in a narrow table split by council,
so the scorecard reads one council's facts close together instead of its records spread through the whole
`records` heap.

Found on a million synthetic cases (50 councils): a council's cases, dangers and judgements are about one row in
fifty of `records`, so every measure statement read tens of thousands of scattered 8 kB heap pages for a few bytes
each (`dangers-with-goal-and-scale` took 112 s cold; the whole live scorecard 182 s; the nightly refresh hours).

- `measure_facts`: one row per record of a kind the measures read (`MEASURED` below), with the record's own columns
  and `f`, a small JSON of only the document fields the statements in `sos_api/measures/queries.py` use, under the
  same names and nesting (`measure_extract`). Hash-partitioned by council (`la_code`), 16 ways: a council's facts
  are a few partitions' worth, not a fiftieth of everything.
- Kept by the database: statement triggers on `records` (insert and update) upsert the rows each statement wrote,
  in the writer's transaction, so the facts are never behind the records and every path (API, sync, `sos-api
  synth`'s COPY) keeps them alike. The trigger function runs as the tables' owner (SECURITY DEFINER with a fixed
  search_path): the app may only read the facts, within its tenant.
- Existing records are copied in once, here.

Changing what a measure reads means a new migration replacing `measure_extract` and rewriting `f` from `records`.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 12:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TENANT = "la_code = ANY (string_to_array(current_setting('sos.la_codes', true), ','))"
PARTITIONS = 16
MEASURED = (
    "case",
    "assessment_map",
    "child_voice",
    "danger_statement",
    "scaling_question",
    "scaling_judgement",
    "referral",
    "case_audit",
    "family_survey_response",
    "conference",
    "strategy_discussion",
    "statutory_plan",
    "core_group",
    "step_change",
    "child_episode",
    "safety_plan",
    "network",
)
KINDS = ", ".join(f"'{kind}'" for kind in MEASURED)

FUNCTIONS = {
    # An object's named keys only (NULL when it is not an object).
    "measure_pick(obj jsonb, keys text[])": """
        CREATE FUNCTION measure_pick(obj jsonb, keys text[]) RETURNS jsonb
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN jsonb_typeof(obj) = 'object' THEN (
                SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(obj) WHERE key = ANY (keys)
            ) END
        $$
    """,
    # measure_pick on each object of an array, in order (NULL when it is not an array).
    "measure_pick_each(arr jsonb, keys text[])": """
        CREATE FUNCTION measure_pick_each(arr jsonb, keys text[]) RETURNS jsonb
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN jsonb_typeof(arr) = 'array' THEN (
                SELECT coalesce(jsonb_agg(measure_pick(e, keys) ORDER BY n), '[]'::jsonb)
                FROM jsonb_array_elements(arr) WITH ORDINALITY AS t(e, n)
            ) END
        $$
    """,
    # What the measure statements read of each kind's document. Nulls are stripped, so an absent field reads as
    # SQL NULL exactly as it did from the document.
    "measure_extract(kind text, doc jsonb)": """
        CREATE FUNCTION measure_extract(kind text, doc jsonb) RETURNS jsonb
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT jsonb_strip_nulls(CASE kind
                WHEN 'case' THEN measure_pick(doc, '{team,allocated_worker,opened_on,closed_on}')
                    || jsonb_build_object('members', measure_pick_each(doc->'members', '{person_id,role}'))
                WHEN 'assessment_map' THEN measure_pick(doc, '{children,mapped_on}')
                WHEN 'child_voice' THEN jsonb_build_object('tool', measure_pick(doc->'tool', '{child_id,completed_on}'))
                WHEN 'danger_statement' THEN jsonb_build_object('has_goal', jsonb_typeof(doc->'safety_goal') = 'object')
                WHEN 'scaling_question' THEN measure_pick(doc, '{polarity}')
                    || jsonb_build_object('subject', measure_pick(doc->'subject', '{type}'))
                WHEN 'scaling_judgement' THEN measure_pick(doc, '{given_on,value,corrects}')
                    || jsonb_build_object('perspective', measure_pick(doc->'perspective', '{perspective_role}'))
                WHEN 'referral' THEN measure_pick(doc, '{re_referral,received_at,subjects}')
                WHEN 'case_audit' THEN measure_pick(doc, '{grade,held_on}')
                WHEN 'family_survey_response' THEN measure_pick(doc, '{submitted_on}')
                    || jsonb_build_object('answers', measure_pick_each(doc->'answers', '{score}'))
                WHEN 'conference' THEN measure_pick(
                    doc, '{type,held_at,strategy_discussion_id,decision,child_ids,outline_plan_id}')
                WHEN 'strategy_discussion' THEN measure_pick(doc, '{held_at}')
                WHEN 'statutory_plan' THEN measure_pick(doc, '{previous_version_id,agreed_on}')
                    || jsonb_build_object('plan', measure_pick(doc->'plan', '{conference_id,plan_type}')
                        || jsonb_build_object('placement', measure_pick(doc->'plan'->'placement', '{start}')))
                WHEN 'core_group' THEN measure_pick(doc, '{cp_plan_id,held_on}')
                WHEN 'step_change' THEN measure_pick(
                    doc, '{from_level,to_level,decided_on,child_ids,rejected_reason,corrects}')
                WHEN 'child_episode' THEN measure_pick(doc, '{child_id,start_date,end_date,level}')
                WHEN 'safety_plan' THEN measure_pick(doc, '{child_ids,agreed_at,status}')
                    || jsonb_build_object('agreed_dangers', measure_pick_each(doc->'agreed_dangers', '{id,version}'),
                                          'agency_approval', measure_pick(doc->'agency_approval', '{on}'))
                WHEN 'network' THEN measure_pick(doc, '{child_ids,purpose,status}')
                    || jsonb_build_object('members', CASE WHEN jsonb_typeof(doc->'members') = 'array' THEN (
                        SELECT coalesce(jsonb_agg(measure_pick(m, '{joined_on,left_on}') || jsonb_build_object(
                            'knows_dangers', measure_pick_each(m->'knows_dangers', '{danger_id,version,on}')
                        ) ORDER BY n), '[]'::jsonb)
                        FROM jsonb_array_elements(doc->'members') WITH ORDINALITY AS t(m, n)
                    ) END)
            END)
        $$
    """,
    "measure_facts_keep()": f"""
        CREATE FUNCTION measure_facts_keep() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            INSERT INTO measure_facts (la_code, id, kind, case_id, parent_id, status, entered_in_error, created_at, f)
            SELECT r.la_code, r.id, r.kind, r.case_id, r.parent_id, r.status, r.entered_in_error, r.created_at,
                   measure_extract(r.kind, r.doc)
            FROM written r
            WHERE r.kind IN ({KINDS})
            ON CONFLICT (la_code, id) DO UPDATE SET
                kind = excluded.kind, case_id = excluded.case_id, parent_id = excluded.parent_id,
                status = excluded.status, entered_in_error = excluded.entered_in_error,
                created_at = excluded.created_at, f = excluded.f;
            RETURN NULL;
        END
        $$
    """,  # noqa: S608 (constants only)
}


def upgrade() -> None:
    op.create_table(
        "measure_facts",
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", UUID(as_uuid=True), nullable=True),
        sa.Column("parent_id", UUID(as_uuid=True), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("entered_in_error", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("f", JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("la_code", "id", name="pk_measure_facts"),
        postgresql_partition_by="HASH (la_code)",
    )
    for n in range(PARTITIONS):
        op.execute(
            f"CREATE TABLE measure_facts_p{n} PARTITION OF measure_facts "
            f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {n})"
        )
    op.create_index("ix_measure_facts_kind", "measure_facts", ["la_code", "kind"])
    op.execute("GRANT SELECT ON measure_facts TO sos_app")
    op.execute("ALTER TABLE measure_facts ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY measure_facts_tenant ON measure_facts FOR SELECT TO sos_app USING ({TENANT})")
    for body in FUNCTIONS.values():
        op.execute(body)
    for event in ("insert", "update"):
        op.execute(
            f"CREATE TRIGGER records_measure_facts_{event} AFTER {event.upper()} ON records "
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION measure_facts_keep()"
        )
    columns = "la_code, id, kind, case_id, parent_id, status, entered_in_error, created_at"
    op.execute(
        f"INSERT INTO measure_facts ({columns}, f) "  # noqa: S608 (constants only)
        f"SELECT {columns}, measure_extract(kind, doc) FROM records WHERE kind IN ({KINDS})"
    )
    op.execute("ANALYZE measure_facts")


def downgrade() -> None:
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER records_measure_facts_{event} ON records")
    for signature in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_table("measure_facts")
