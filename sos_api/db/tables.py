"""Tables (SQLAlchemy Core). Every record is a JSONB document of its sos_schema server shape plus the columns
that queries filter on; every accepted change keeps the previous document in `record_versions` (domain 3.6).

Why one `records` table for many kinds: every object shares the envelope (2.0), the versioning and the
tenant filter, so new kinds of object (safety plans, conferences...) arrive without new plumbing. Kind-specific
rules live in partial indexes and in each area's service.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.types import UserDefinedType

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

records = Table(
    "records",
    metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("la_code", String(3), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("case_id", UUID(as_uuid=True)),
    # The owning record for nested kinds: a question's danger statement, a judgement's question.
    Column("parent_id", UUID(as_uuid=True)),
    Column("version", Integer, nullable=False),
    Column("status", String(40)),
    Column("visibility", String(40), nullable=False, server_default="family_shareable"),
    # Domain 4.1: a professionals_only record reaches partner agencies only when shared with agencies.
    Column("shared_with_agencies", Boolean, nullable=False, server_default=text("false")),
    Column("child_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    # The family members (people) a record may be shown to, when it may not go to all of them: a child's voice
    # tool shared as far as the child agreed (BR-11); professionals are not limited by it. A record of no case
    # (Reach.named: an individual supervision) keeps here the people it names, its author first.
    # NULL for every other record.
    Column("audience", ARRAY(UUID(as_uuid=True))),
    # Maps only: position in the case's chain of map versions (1, 2, 3...).
    Column("chain_no", Integer),
    Column("doc", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("entered_in_error", Boolean, nullable=False, server_default=text("false")),
    PrimaryKeyConstraint("id"),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint("la_code ~ '^[0-9]{3}$'", name="la_code_format"),
    # The kinds the database accepts (CHECK ck_records_kind_known) are the registered kinds
    # (resources/registry.py); each new kind's migration rewrites the list and a test compares the two.
    CheckConstraint(
        "visibility IN ('family_shareable', 'professionals_only', 'restricted')",
        name="visibility_known",
    ),
)
r = records.c
Index("ix_records_tenant_kind_case", r.la_code, r.kind, r.case_id, r.id)
Index("ix_records_parent", r.parent_id, r.kind, r.created_at)
# One `current` map per case (domain 3.3), one map per position in the chain, and exactly one scaling question per
# danger statement's goal (BR-03). Records entered in error (BR-23) leave the first and the last.
CURRENT_MAP = "kind = 'assessment_map' AND status = 'current' AND NOT entered_in_error"
DANGER_SCALE = "kind = 'scaling_question' AND doc->'subject'->>'type' = 'danger_goal' AND NOT entered_in_error"
Index("uq_records_current_map", r.case_id, unique=True, postgresql_where=text(CURRENT_MAP))
Index("uq_records_map_chain", r.case_id, r.chain_no, unique=True, postgresql_where=text("kind = 'assessment_map'"))
Index("uq_records_question_per_danger", r.parent_id, unique=True, postgresql_where=text(DANGER_SCALE))
# BR-02's check and corrections (scaling/queries.py, which names the kind as a literal so generic plans use them).
JUDGEMENTS = "kind = 'scaling_judgement'"
JUDGEMENT_PERSON = "(doc #>> '{perspective,perspective_person_id}')"
Index("ix_records_judgement_person", r.parent_id, text(JUDGEMENT_PERSON), postgresql_where=text(JUDGEMENTS))
Index(
    "ix_records_judgement_corrects",
    r.parent_id,
    text("(doc ->> 'corrects')"),
    postgresql_where=text(f"{JUDGEMENTS} AND (doc ->> 'corrects') IS NOT NULL"),
)

record_versions = Table(
    "record_versions",
    metadata,
    Column("record_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("la_code", String(3), nullable=False),
    Column("doc", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    PrimaryKeyConstraint("record_id", "version"),
    ForeignKeyConstraint(["record_id"], ["records.id"]),
)

person_identifiers = Table(
    "person_identifiers",
    metadata,
    Column("person_id", UUID(as_uuid=True), nullable=False),
    Column("la_code", String(3), nullable=False),
    # The system's URI (a council's own systems name the council) and, for systems unique only within their
    # issuer (a force's crime reference), the issuer; empty for national ones (interop R1).
    Column("system", String(120), nullable=False),
    Column("issuer", String(200), nullable=False, server_default=""),
    Column("value", String(64), nullable=False),
    PrimaryKeyConstraint("person_id", "system", "issuer", "value"),
    ForeignKeyConstraint(["person_id"], ["records.id"]),
)
Index(
    "ix_person_identifiers_lookup",
    person_identifiers.c.la_code,
    person_identifiers.c.system,
    person_identifiers.c.issuer,
    person_identifiers.c.value,
)

# Append-only record of every access to a child's data (domain 2.25, BR-25). A trigger refuses UPDATE/DELETE.
# Interop R3: the key each synced record has in its council's system. A key names one record of one kind in one
# council; a record has at most one key.
source_keys = Table(
    "source_keys",
    metadata,
    Column("la_code", String(3), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("system", String(200), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("record_id", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("la_code", "kind", "system", "source_id"),
    ForeignKeyConstraint(["record_id"], ["records.id"]),
)
Index("ux_source_keys_record_id", source_keys.c.record_id, unique=True)

access_events = Table(
    "access_events",
    metadata,
    Column("seq", BigInteger, Identity(always=True), nullable=False),
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("la_code", String(3)),
    Column("actor", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("organisation", String(60), nullable=False),
    Column("client_app", String(200)),
    Column("action", String(20), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", UUID(as_uuid=True)),
    Column("object_version", Integer),
    Column("case_id", UUID(as_uuid=True)),
    Column("child_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default=text("'{}'")),
    Column("purpose", String(40), nullable=False),
    Column("break_glass_reason", Text),
    Column("request_id", String(200), nullable=False),
    Column("source_ip", String(64), nullable=False),
    Column("outcome", String(20), nullable=False),
    PrimaryKeyConstraint("seq"),
)
Index("ix_access_events_tenant_at", access_events.c.la_code, access_events.c.at)
Index("ix_access_events_children", access_events.c.child_ids, postgresql_using="gin")
# An auditor's view of one case's events, newest first (migration 0016).
Index("ix_access_events_case_seq", access_events.c.case_id, access_events.c.seq)


class Xid8(UserDefinedType[int]):
    """PostgreSQL's 64-bit transaction id (`xid8`): never wraps, so it orders transactions for ever."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "XID8"


# Reflection (alembic check) knows the type by this name.
ischema_names["xid8"] = Xid8

# Transactional outbox: one row per accepted change, written in the change's own transaction, so the
# changes feed and webhooks (interop R5, R31) never miss or invent a change. `seq` is taken when the row is
# written, not when it commits, so it is not commit order; `txid` (the writing transaction) is what the feed
# pages by (sos_api/changes/queries.py).
outbox = Table(
    "outbox",
    metadata,
    Column("seq", BigInteger, Identity(always=True), nullable=False),
    Column("la_code", String(3), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("record_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("op", String(20), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("txid", Xid8(), nullable=False, server_default=text("pg_current_xact_id()")),
    # The client application the change came through (the token's azp), for the feed's `source_system`.
    Column("source_system", String(200)),
    PrimaryKeyConstraint("seq"),
)
Index("ix_outbox_tenant_txid_seq", outbox.c.la_code, outbox.c.txid, outbox.c.seq)
Index("ix_outbox_changed_at", outbox.c.changed_at)

# How far each council's changes have been pruned (SOS_CHANGES_RETENTION_DAYS): the position of the newest change
# removed. A feed cursor before it may have missed what was removed, so it is answered 410 cursor-expired.
changes_horizon = Table(
    "changes_horizon",
    metadata,
    Column("la_code", String(3), nullable=False),
    Column("txid", Xid8(), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("pruned_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("la_code"),
)

# Who may see which case (policy.py): one row per grant a case gives, derived from the case's allocation and
# members and from its involvements, rewritten in the same transaction as the write that changes them.
case_access = Table(
    "case_access",
    metadata,
    Column("case_id", UUID(as_uuid=True), nullable=False),
    Column("la_code", String(3), nullable=False),
    # The record the grant comes from: the case itself, or one involvement.
    Column("source_id", UUID(as_uuid=True), nullable=False),
    Column("grant", String(250), nullable=False),
    PrimaryKeyConstraint("case_id", "source_id", "grant"),
    ForeignKeyConstraint(["case_id"], ["records.id"]),
)
Index("ix_case_access_grant", case_access.c.grant, case_access.c.la_code, case_access.c.case_id)

# Safe retries (interop R12): the response a caller's `Idempotency-Key` got, written in the same transaction as the
# write it answered, so a key never exists without its write nor a write without its key. Kept until `expires_at`
# (SOS_IDEMPOTENCY_KEY_HOURS), then pruned. `caller` is a SHA-256 of who sent it (issuer, subject, organisation).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("caller", String(64), nullable=False),
    Column("key", String(255), nullable=False),
    # The caller's council; NULL for a partner agency, whose keys are its own whichever council it wrote to.
    Column("la_code", String(3)),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("location", Text),
    Column("etag", String(20)),
    # The record the write answered with, so a replay is recorded as a read of it.
    Column("object_type", String(40), nullable=False),
    Column("object_id", UUID(as_uuid=True), nullable=False),
    Column("object_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("caller", "key"),
)
Index("ix_idempotency_keys_expires_at", idempotency_keys.c.expires_at)

# Webhooks (interop R30, R31; migration 0015). A subscription belongs to an organisation (`owner`, the wall
# row-level security keeps for requests) and remembers how far through the outbox, in the feed's commit order,
# its events have been owed (`after_txid`, `after_seq`).
webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("owner", String(60), nullable=False),
    Column("la_code", String(3)),
    Column("role", String(40), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("client_app", String(200)),
    Column("url", Text, nullable=False),
    Column("event_types", ARRAY(Text), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(200)),
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text),
    Column("previous_secret_until", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("after_txid", Xid8(), nullable=False),
    Column("after_seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("id"),
)
Index(
    "ix_webhook_subscriptions_owner",
    webhook_subscriptions.c.owner,
    webhook_subscriptions.c.created_at,
    webhook_subscriptions.c.id,
)

# One event owed to one subscription: unique per (subscription, outbox change), so however many workers enqueue
# it, it is owed once; workers claim due rows with FOR UPDATE SKIP LOCKED and a lease (`next_attempt_at`).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("subscription_id", UUID(as_uuid=True), nullable=False),
    Column("owner", String(60), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("txid", Xid8(), nullable=False),
    Column("la_code", String(3), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("record_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("op", String(20), nullable=False),
    Column("event_type", String(80), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status", Integer),
    Column("last_error", String(300)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("id"),
    UniqueConstraint("subscription_id", "seq"),
    ForeignKeyConstraint(["subscription_id"], ["webhook_subscriptions.id"]),
    CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
)
Index(
    "ix_webhook_deliveries_due",
    webhook_deliveries.c.next_attempt_at,
    postgresql_where=text("status = 'pending'"),
)


# Materialised measures (sos_api/measures): each measure's monthly figures per council and grouping, with default
# parameters, rewritten by `sos-api measures-refresh`. `grp` is the team, worker or perspective ('' for none).
measure_values = Table(
    "measure_values",
    metadata,
    Column("la_code", String(3), nullable=False),
    Column("code", String(60), nullable=False),
    Column("group_by", String(20), nullable=False),
    Column("grp", Text, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("numerator", BigInteger, nullable=False),
    Column("denominator", BigInteger, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("la_code", "code", "group_by", "period_start", "grp"),
)

# Measure facts (migration 0020): per record of a measured kind, its columns and `f`, the few document fields the
# measure statements read, kept by triggers on `records` in the writer's transaction. Hash-partitioned by council
# (measure_facts_p0..p15), so a council's facts lie close together. The app reads them only.
measure_facts = Table(
    "measure_facts",
    metadata,
    Column("la_code", String(3), nullable=False),
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("case_id", UUID(as_uuid=True)),
    Column("parent_id", UUID(as_uuid=True)),
    Column("status", String(40)),
    Column("entered_in_error", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("f", JSONB, nullable=False),
    PrimaryKeyConstraint("la_code", "id"),
    postgresql_partition_by="HASH (la_code)",
)
Index("ix_measure_facts_kind", measure_facts.c.la_code, measure_facts.c.kind)
