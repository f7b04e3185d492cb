"""Individual supervision (domain 2.24, 4.1, 4.2): a supervisor (a team manager or a practice lead) and a
supervisee (a practitioner) discuss several cases, each in the Signs of Safety questions, with decisions and
actions, and the supervisee's reflection and wellbeing.

The record belongs to no case, so it has a reach of its own (`Reach.named` in auth/policy.py): the supervisor and
supervisee it names read it, the council's quality staff (auditors, practice leads) read all of the council's, and
only the supervisor changes it; nobody else, not the family, not agencies, not another council. The supervisor is
the caller, as themselves (`not-the-supervisor`, 403), and each case discussed must be one they can see.

Each case discussed gets a `SupervisionSummary` under the case, written in the same transaction as the record: the
decisions, actions and scale, not the reflective conversation, so a practitioner reading the case sees that
supervision happened and what was decided. It follows the record: changed when the record changes, marked entered
in error when its case is taken off the record or the record itself is marked entered in error (BR-23).
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    EnteredInError,
    RecordMeta,
    SupervisedCase,
    SupervisionRecord,
    SupervisionRecordCreate,
    SupervisionSummary,
    Visibility,
)

from .auth.policy import CASE_WORKERS, COUNCIL_WIDE, SUPERVISORS, Access, Reach, check_supervisor
from .context import Actor
from .db import records as q
from .db.records import Columns, StoredRecord, columns_of
from .resources.members import not_of_case
from .resources.registry import Create, Listing, Names, Record, Replace, Resource, register, resource
from .resources.service import (
    error,
    fields_of,
    insert,
    new_id,
    new_meta,
    next_meta,
    now,
    refuse,
    require_existing,
    today,
)
from .resources.service import update as update_record

RECORD_KIND, SUMMARY_KIND = "supervision_record", "supervision_summary"
TAKEN_OFF = "The case was taken off the supervision record."
RECORD_GONE = "The supervision record was marked entered in error."


def decode_record(stored: StoredRecord) -> SupervisionRecord:
    return msgspec.json.decode(stored.doc, type=SupervisionRecord)


def record_columns(record: SupervisionRecord) -> Columns:
    """The people it names are its audience, the supervisor first (the one who may change it, Reach.named)."""
    return columns_of(record, child_ids=tuple(record.child_ids), audience=(record.supervisor, record.supervisee))


def summary_columns(summary: SupervisionSummary) -> Columns:
    return columns_of(summary, parent_id=summary.supervision_id)


async def cases_discussed(
    conn: AsyncConnection, actor: Actor, body: SupervisionRecordCreate
) -> dict[UUID, StoredRecord]:
    """The cases discussed, each one the supervisor can see, with the maps and judgements named being theirs; the
    supervisee a person the council has recorded; nothing dated in the future. 422 naming every failure."""
    ids = [c.case_id for c in body.cases]
    cases = (
        {c.id: c for c in await q.select_where(conn, actor.scope, resource("case"), q.having_ids(ids))} if ids else {}
    )
    errors = [error("/held_on", "in_the_future", f"{body.held_on} is in the future")] if body.held_on > today() else []
    if body.signed is not None and body.signed.on > today():
        errors.append(error("/signed/on", "in_the_future", f"{body.signed.on} is in the future"))
    for i, entry in enumerate(body.cases):
        if entry.case_id not in cases:
            detail = f"{entry.case_id} is not a case you can see in this council"
            errors.append(error(f"/cases/{i}/case_id", "unknown_reference", detail))
            continue
        if entry.map_id is not None:
            named = [(f"/cases/{i}/map_id", entry.map_id)]
            errors += await not_of_case(conn, actor, "assessment_map", entry.case_id, named)
        if entry.judgement_id is not None:
            named = [(f"/cases/{i}/judgement_id", entry.judgement_id)]
            errors += await not_of_case(conn, actor, "scaling_judgement", entry.case_id, named)
    refuse(errors, "The supervision cannot be recorded:")
    await require_existing(conn, actor, "person", [("/supervisee", body.supervisee)])
    return cases


def children_of(cases: dict[UUID, StoredRecord]) -> list[UUID]:
    return sorted({child for case in cases.values() for child in case.child_ids})


async def new_record(
    conn: AsyncConnection, actor: Actor, _: StoredRecord | None, body: SupervisionRecordCreate, record_id: UUID
) -> SupervisionRecord:
    check_supervisor(actor.principal, body.supervisor)
    cases = await cases_discussed(conn, actor, body)
    meta = new_meta(actor, now(), None)
    return SupervisionRecord(**fields_of(body), id=record_id, meta=meta, child_ids=children_of(cases))


async def next_record(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: SupervisionRecordCreate
) -> SupervisionRecord:
    """Only the supervisor reaches the record to change it (Reach.named); they stay its supervisor."""
    check_supervisor(actor.principal, body.supervisor)
    old = decode_record(stored)
    cases = await cases_discussed(conn, actor, body)
    meta = next_meta(old.meta, actor, now())
    return SupervisionRecord(**fields_of(body), id=old.id, meta=meta, child_ids=children_of(cases))


def summary_of(
    record: SupervisionRecord, entry: SupervisedCase, summary_id: UUID, meta: RecordMeta
) -> SupervisionSummary:
    """The case's copy: what was decided and the scale, never the three columns, reflection or wellbeing."""
    return SupervisionSummary(
        id=summary_id,
        meta=meta,
        supervision_id=record.id,
        held_on=record.held_on,
        supervisor=record.supervisor,
        supervisee=record.supervisee,
        scale=entry.scale,
        map_id=entry.map_id,
        judgement_id=entry.judgement_id,
        decisions=entry.decisions,
        actions=entry.actions,
    )


async def keep_summaries(
    conn: AsyncConnection, actor: Actor, record: SupervisionRecord, before: StoredRecord | None
) -> None:
    """In the record's transaction: a summary on each case discussed, new, changed or withdrawn with the record."""
    res, at = SUMMARIES, record.meta.updated_at
    existing: dict[UUID, StoredRecord] = {}
    if before is not None:
        found = await q.select_where(conn, actor.scope, res, q.belonging_to("parent_id", record.id), for_update=True)
        existing = {s.case_id: s for s in found if s.case_id is not None}
    gone = record.meta.entered_in_error is not None
    wanted = {} if gone else {entry.case_id: entry for entry in record.cases}
    new_cases = [case_id for case_id in wanted if case_id not in existing]
    parents = {c.id: c for c in await q.select_where(conn, actor.scope, resource("case"), q.having_ids(new_cases))}
    for case_id, entry in wanted.items():
        stored = existing.get(case_id)
        if stored is None:
            parent = parents[case_id]
            meta = new_meta(actor, at, case_id, parent.la_code)
            await insert(conn, actor, res, summary_of(record, entry, new_id(), meta), at, parent)
            continue
        old = res.decode(stored)
        changed = summary_of(record, entry, old.id, old.meta)
        if changed != old:
            await update_record(
                conn, actor, res, stored, msgspec.structs.replace(changed, meta=next_meta(old.meta, actor, at)), at
            )
    for case_id, stored in existing.items():
        if case_id in wanted:
            continue
        old = res.decode(stored)
        mark = EnteredInError(reason=RECORD_GONE if gone else TAKEN_OFF, by=actor.name, at=at)
        meta = msgspec.structs.replace(next_meta(old.meta, actor, at), entered_in_error=mark)
        await update_record(
            conn, actor, res, stored, msgspec.structs.replace(old, meta=meta), at, entered_in_error=True
        )


RECORD_CHECKS = (
    "The supervisor is the caller, as themselves: `not-the-supervisor` (403) otherwise. Refused with 422 naming each "
    "failing field when a case is not one the supervisor can see, a map or judgement is not that case's, the "
    "supervisee is not a person the council has recorded, or held_on or signed.on is in the future. Each case "
    "discussed gets a supervision summary (decisions, actions, scale) under the case, in the same transaction."
)

SUMMARIES = register(
    Resource(
        Names(
            SUMMARY_KIND,
            "SupervisionSummary",
            "/v1/supervision-summaries",
            "supervision_summary_id",
            "practice quality",
        ),
        Record(SupervisionSummary, None, summary_columns, parent="case", default_visibility="professionals_only"),
        # Domain 2.24: copied to the child's file for the case's workers; quality staff read every case.
        Access(read=CASE_WORKERS | COUNCIL_WIDE, correct=SUPERVISORS),
        listing=Listing(
            "listCaseSupervisionSummaries",
            "What individual supervision decided about the case, newest first",
            newest_first=True,
        ),
        # Written only with their supervision record, and withdrawn with it.
        standard=("get", "versions", "version"),
    )
)

RECORDS = register(
    Resource(
        Names(RECORD_KIND, "SupervisionRecord", "/v1/supervision-records", "supervision_id", "practice quality"),
        Record(
            SupervisionRecord,
            SupervisionRecordCreate,
            record_columns,
            reach=Reach.named,
            default_visibility=Visibility.restricted.value,
        ),
        # Domain 4.1, 4.2: its supervisor and supervisee (Reach.named) and the council's quality staff; never the
        # family, agencies or the council's record system.
        Access(read=CASE_WORKERS | COUNCIL_WIDE, correct=SUPERVISORS),
        listing=Listing(
            "listSupervisionRecords",
            "The supervision records you may read (yours as supervisor or supervisee; quality staff: the council's), "
            "newest first",
            newest_first=True,
        ),
        create=Create(
            "createSupervisionRecord",
            "Record an individual supervision, as its supervisor",
            new_record,
            SUPERVISORS,
            problems=(403, 422),
            description=RECORD_CHECKS,
        ),
        replace=Replace(
            "replaceSupervisionRecord",
            "Edit a supervision record, as its supervisor (If-Match; every version kept; the case summaries follow)",
            next_record,
            SUPERVISORS,
            problems=(403, 422),
            description=RECORD_CHECKS,
        ),
        after=keep_summaries,
    )
)
ROUTES: list[object] = []
