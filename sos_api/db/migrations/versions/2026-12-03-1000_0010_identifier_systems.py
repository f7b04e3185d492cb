"""Identifier systems are URIs (interop R1), and an identifier's key includes its issuer: two forces (or two
councils) may issue the same reference.

Stored documents are rewritten from the short codes (`nhs_number`) to the system URIs, current versions and
their history alike: the same identifier in the form the API now answers with. A council's own person id moves to
its council's URI (`.../id/la/845/person`, issuer `845`); an issuer that was a system name (`Mosaic`) is kept in
`source` when that was empty. The history is append-only, so its trigger is lifted for this rewrite alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OURS = "https://sos-casework.org.uk/id/"
# Frozen here on purpose: the migration must mean the same whatever the registry becomes.
URIS = {
    "nhs_number": "https://fhir.nhs.uk/Id/nhs-number",
    "upn": OURS + "upn",
    "former_upn": OURS + "former-upn",
    "uln": OURS + "uln",
    "pnc_id": OURS + "pnc-id",
    "police_crime_ref": OURS + "police-crime-ref",
    "police_ppn_ref": OURS + "police-ppn-ref",
    "court_case_no": OURS + "court-case-no",
    "other": OURS + "other",
}
PER_COUNCIL = {"la_person_id": "person", "legacy_person_id": "legacy-person"}
PER_ISSUER = {"police_crime_ref", "police_ppn_ref", "court_case_no", "other"}
ALIASES = {uri: alias for alias, uri in URIS.items()}


def _to_uri(ident: dict[str, Any], la_code: str) -> bool:
    alias = ident.get("system")
    if alias in URIS:
        ident["system"] = URIS[alias]
        return True
    if alias in PER_COUNCIL:
        ident["system"] = f"{OURS}la/{la_code}/{PER_COUNCIL[alias]}"
        old = ident.get("issuer")
        if old and old != la_code and not ident.get("source"):
            ident["source"] = old
        ident["issuer"] = la_code
        return True
    return False


def _to_alias(ident: dict[str, Any], la_code: str) -> bool:
    uri = ident.get("system")
    if uri in ALIASES:
        ident["system"] = ALIASES[uri]
        return True
    for alias, tail in PER_COUNCIL.items():
        if isinstance(uri, str) and uri.startswith(OURS + "la/") and uri.endswith("/" + tail):
            # Before 0010 there was no legacy system: a legacy id was an la_person_id of another issuer.
            ident["system"] = "la_person_id"
            if alias == "legacy_person_id":
                ident["issuer"] = "legacy"
            return True
    return False


def _walk(node: Any, la_code: str, change: Any) -> bool:
    """Rewrite every identifier (an object in a list under `identifiers`) anywhere in a document."""
    changed = False
    if isinstance(node, dict):
        for key, item in node.items():
            if key == "identifiers" and isinstance(item, list):
                for ident in item:
                    if isinstance(ident, dict):
                        changed = change(ident, la_code) or changed
            else:
                changed = _walk(item, la_code, change) or changed
    elif isinstance(node, list):
        for item in node:
            changed = _walk(item, la_code, change) or changed
    return changed


def _rewrite_documents(change: Any) -> None:
    conn = op.get_bind()
    records = sa.table("records", sa.column("id"), sa.column("la_code"), sa.column("doc", JSONB))
    versions = sa.table(
        "record_versions", sa.column("record_id"), sa.column("version"), sa.column("la_code"), sa.column("doc", JSONB)
    )
    has_identifiers = sa.text("doc::text LIKE '%\"identifiers\"%'")
    for row in conn.execute(sa.select(records.c.id, records.c.la_code, records.c.doc).where(has_identifiers)):
        doc = row.doc
        if _walk(doc, row.la_code, change):
            conn.execute(records.update().where(records.c.id == row.id).values(doc=doc))
    op.execute("ALTER TABLE record_versions DISABLE TRIGGER record_versions_append_only")
    selected = sa.select(versions.c.record_id, versions.c.version, versions.c.la_code, versions.c.doc)
    for version in conn.execute(selected.where(has_identifiers)):
        doc = version.doc
        if _walk(doc, version.la_code, change):
            key = (versions.c.record_id == version.record_id) & (versions.c.version == version.version)
            conn.execute(versions.update().where(key).values(doc=doc))
    op.execute("ALTER TABLE record_versions ENABLE TRIGGER record_versions_append_only")


def upgrade() -> None:
    op.drop_index("ix_person_identifiers_lookup", table_name="person_identifiers")
    op.drop_constraint("pk_person_identifiers", "person_identifiers", type_="primary")
    op.alter_column("person_identifiers", "system", type_=sa.String(length=120), existing_nullable=False)
    op.add_column("person_identifiers", sa.Column("issuer", sa.String(length=200), server_default="", nullable=False))
    _rewrite_documents(_to_uri)
    # The lookup rows follow the documents: system URIs, and the issuer where the key includes it.
    op.execute(
        "UPDATE person_identifiers SET system = 'https://sos-casework.org.uk/id/la/' || la_code || '/person', "
        "issuer = '' WHERE system = 'la_person_id'"
    )
    for alias, uri in URIS.items():
        op.execute(
            sa.text("UPDATE person_identifiers SET system = :uri WHERE system = :alias").bindparams(
                uri=uri, alias=alias
            )
        )
    op.execute(
        """
        UPDATE person_identifiers p SET issuer = coalesce(i->>'issuer', '')
          FROM records r, jsonb_array_elements(r.doc->'identifiers') i
         WHERE r.id = p.person_id AND i->>'system' = p.system AND i->>'value' = p.value
           AND p.system = ANY (:per_issuer)
        """.replace(":per_issuer", "ARRAY[" + ", ".join(f"'{URIS[a]}'" for a in sorted(PER_ISSUER)) + "]")
    )
    op.create_primary_key("pk_person_identifiers", "person_identifiers", ["person_id", "system", "issuer", "value"])
    op.create_index(
        "ix_person_identifiers_lookup", "person_identifiers", ["la_code", "system", "issuer", "value"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_person_identifiers_lookup", table_name="person_identifiers")
    op.drop_constraint("pk_person_identifiers", "person_identifiers", type_="primary")
    _rewrite_documents(_to_alias)
    op.execute(
        "UPDATE person_identifiers SET system = 'la_person_id' WHERE system LIKE 'https://sos-casework.org.uk/id/la/%'"
    )
    for alias, uri in URIS.items():
        op.execute(
            sa.text("UPDATE person_identifiers SET system = :alias WHERE system = :uri").bindparams(
                uri=uri, alias=alias
            )
        )
    # Forces that issued the same reference collapse into one row per person, as the old key had it.
    op.execute(
        "DELETE FROM person_identifiers a USING person_identifiers b WHERE a.person_id = b.person_id "
        "AND a.system = b.system AND a.value = b.value AND a.ctid > b.ctid"
    )
    op.drop_column("person_identifiers", "issuer")
    op.alter_column("person_identifiers", "system", type_=sa.String(length=40), existing_nullable=False)
    op.create_primary_key("pk_person_identifiers", "person_identifiers", ["person_id", "system", "value"])
    op.create_index("ix_person_identifiers_lookup", "person_identifiers", ["la_code", "system", "value"], unique=False)
