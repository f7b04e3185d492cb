"""Contributions from partner agencies (interop R14, R15) and the flag lookup (R17, R18).

A contribution is a record of kind `contribution` in the receiving council. Two lookups must cross row-level
security before the caller's transaction knows which council to enter, so each is a narrow SECURITY DEFINER
function answering only "which council": the council a contributor's own contribution went to (the contributor
follows its status), and the councils holding a person with one identifier (a flag lookup spans those only).
Neither returns a row of data; the caller's transaction then enters those councils (db/engine.py
`enter_councils`) and reads through the policy as always.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:30:00
"""

from alembic import op

from sos_api.db.kind_check import add_kinds, remove_kinds

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FUNCTIONS = {
    "sos_contribution_council(uuid, text)": """
        CREATE FUNCTION sos_contribution_council(contribution uuid, contributor text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT la_code FROM records
            WHERE id = contribution AND kind = 'contribution' AND doc->>'received_from' = contributor
        $$
    """,
    "sos_councils_holding(text, text)": """
        CREATE FUNCTION sos_councils_holding(id_system text, id_value text) RETURNS text[]
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT coalesce(array_agg(DISTINCT la_code ORDER BY la_code), '{}')
            FROM person_identifiers WHERE system = id_system AND value = id_value
        $$
    """,
}


def upgrade() -> None:
    add_kinds("contribution")
    for signature, body in FUNCTIONS.items():
        op.execute(body)
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO sos_app")


def downgrade() -> None:
    for signature in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    remove_kinds("contribution")
