"""The child's voice tools: Three Houses, Wizards and Fairies and the Safety House (domain 2.15).

The child's words are kept as given (domain 3.6): there is no replace, only actions that add beside them (a
worker's note) or change who may see them. Who in the family reads a record is the child's consent to share
(BR-11), stored as the record's `audience` so that every read path's row filter applies it: `all` lets the
whole family in, `some` the child and the people they named, `none` and `not_asked` the child alone, and each
manager's override (with its reason) adds the people it names. Professionals are not limited by it.

A record whose child says they feel unsafe (a worry marked `makes_me_unsafe`, or their own safety number at or
below SOS_UNSAFE_SCALE_AT_OR_BELOW) raises an alert for the case's worker in the same transaction, whatever the
child agreed to share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Alert,
    AlertReason,
    AlertSource,
    Case,
    ChildVoiceConsentOverride,
    ChildVoiceCreate,
    ChildVoiceNote,
    ChildVoiceRecord,
    ChildVoiceTool,
    ConsentLevel,
    ConsentOverride,
    ConsentToShare,
    FieldError,
    PerspectiveRole,
    Polarity,
    RaisedFor,
    SafetyHouse,
    ScalingJudgement,
    ScalingQuestion,
    ThreeHouses,
    WizardsAndFairies,
)

from . import problems
from .auth.policy import CASE_WORKERS, CASE_WRITERS, CHILD, MANAGERS, SHARED_WORK_READERS, Access, check_own_voice
from .context import Actor
from .db import records as q
from .db.records import Columns, StoredRecord, columns_of
from .resources.members import CHILD_ROLES
from .resources.registry import Action, Create, Listing, Names, Record, Resource, register, resource
from .resources.service import insert, new_id, new_meta, next_meta, now, require_existing

KIND = "child_voice"
# The bound on the record's lists (worker_notes, consent_overrides) in sos_schema.voice.
MOST = 100
NOT_THE_CHILDS = "child_scale_id must be a scaling judgement on this case given by the child themself."
TOOL_NAMES = {ThreeHouses: "Three Houses", WizardsAndFairies: "Wizards and Fairies", SafetyHouse: "Safety House"}


def audience(record: ChildVoiceRecord) -> tuple[UUID, ...] | None:
    """BR-11: the family members who may read the record (None: all of the family). The child always may."""
    consent, tool = record.tool.child_consent_to_share, record.tool
    if consent.level is ConsentLevel.all:
        return None
    overridden = [person for override in record.consent_overrides for person in override.with_whom]
    return tuple(dict.fromkeys([tool.child_id, *consent.with_whom, *overridden]))


def voice_columns(record: ChildVoiceRecord) -> Columns:
    return columns_of(record, child_ids=(record.tool.child_id,), audience=audience(record))


def rule_broken(pointer: str, code: str, detail: str) -> problems.RuleBroken:
    return problems.RuleBroken(detail, errors=[FieldError(pointer=pointer, code=code, detail=detail)])


async def people_exist(conn: AsyncConnection, actor: Actor, at: str, people: Sequence[UUID]) -> None:
    await require_existing(conn, actor, "person", [(f"{at}/{i}", person) for i, person in enumerate(people)])


async def check_tool(conn: AsyncConnection, actor: Actor, case: Case, tool: ChildVoiceTool) -> None:
    """The child is a child of the case; the worker and everyone named are people recorded in the council."""
    if not any(m.person_id == tool.child_id and m.role in CHILD_ROLES for m in case.members):
        raise rule_broken("/tool/child_id", "not_a_child_of_case", "child_id is not a child of this case.")
    named = [("/tool/worker", tool.worker)]
    named += [
        (f"/tool/child_consent_to_share/with_whom/{i}", p) for i, p in enumerate(tool.child_consent_to_share.with_whom)
    ]
    named += [(f"/tool/shared_with/{i}/person_id", e.person_id) for i, e in enumerate(tool.shared_with)]
    if isinstance(tool, SafetyHouse):
        for where in ("inside_house", "visitors", "unsafe_circle"):
            people = getattr(tool, where)
            named += [(f"/tool/{where}/{i}/person_id", p.person_id) for i, p in enumerate(people) if p.person_id]
    await require_existing(conn, actor, "person", named)


async def child_scale(conn: AsyncConnection, actor: Actor, case_id: UUID, tool: ChildVoiceTool) -> int | None:
    """The child's own number on `child_scale_id`, read so that 10 is safest whatever the scale's polarity.
    It must be a judgement on this case given by the child themself (422 otherwise)."""
    scale_id = None if isinstance(tool, SafetyHouse) else tool.child_scale_id
    if scale_id is None:
        return None
    stored = await q.select_record(conn, actor.scope, resource("scaling_judgement"), scale_id)
    if stored is None or stored.case_id != case_id:
        raise rule_broken("/tool/child_scale_id", "not_the_childs_judgement", NOT_THE_CHILDS)
    judgement = msgspec.json.decode(stored.doc, type=ScalingJudgement)
    said = judgement.perspective
    if said.perspective_role is not PerspectiveRole.child or said.perspective_person_id != tool.child_id:
        raise rule_broken("/tool/child_scale_id", "not_the_childs_judgement", NOT_THE_CHILDS)
    question = await q.select_record(conn, actor.scope, resource("scaling_question"), judgement.question_id)
    polarity = msgspec.json.decode(question.doc, type=ScalingQuestion).polarity if question else Polarity.ten_is_best
    return judgement.value if polarity is Polarity.ten_is_best else 10 - judgement.value


def why_unsafe(tool: ChildVoiceTool, scale: int | None, at_or_below: int) -> list[str]:
    """What in the child's own record says they feel unsafe (empty when nothing does)."""
    found = []
    if isinstance(tool, SafetyHouse):
        position = tool.safety_path_position
        if position is not None and position <= at_or_below:
            found.append(f"they put themself at {position} of 10 on the safety path (alert at {at_or_below} or below)")
    else:
        for item in tool.worries:
            if item.makes_me_unsafe:
                found.append(f'a worry makes them feel unsafe: "{item.text}"' if item.text else "a worry they drew")
        if scale is not None and scale <= at_or_below:
            found.append(f"their own safety scale is {scale} of 10 (alert at {at_or_below} or below)")
    return found


async def raise_alert(
    conn: AsyncConnection, actor: Actor, case: Case, record: ChildVoiceRecord, reasons: list[str], at: dt.datetime
) -> None:
    """One alert for the case's worker and team, in the voice record's transaction (the outbox row with it)."""
    tool = record.tool
    detail = f"In their {TOOL_NAMES[type(tool)]} the child says they feel unsafe: " + "; ".join(reasons) + "."
    alert = Alert(
        id=new_id(),
        meta=new_meta(actor, at, case.id, case.meta.la_code),
        child_id=tool.child_id,
        reason=AlertReason.child_feels_unsafe,
        detail=detail if len(detail) <= 2000 else detail[:1999] + "…",
        source=AlertSource(kind=KIND, id=record.id),
        raised_for=RaisedFor(allocated_worker=case.allocated_worker, team=case.team),
    )
    await insert(conn, actor, resource("alert"), alert, at, child_ids=[tool.child_id])


async def new_voice(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: ChildVoiceCreate, voice_id: UUID
) -> ChildVoiceRecord:
    assert stored is not None
    case = msgspec.json.decode(stored.doc, type=Case)
    await check_tool(conn, actor, case, body.tool)
    scale = await child_scale(conn, actor, case.id, body.tool)
    at = now()
    record = ChildVoiceRecord(id=voice_id, meta=new_meta(actor, at, case.id, stored.la_code), tool=body.tool)
    reasons = why_unsafe(body.tool, scale, actor.unsafe_scale_at_or_below)
    if reasons:
        await raise_alert(conn, actor, case, record, reasons, at)
    return record


def full(items: Sequence[object], what: str) -> None:
    if len(items) >= MOST:
        raise problems.Conflict(f"This record already holds {MOST} {what}; record a new tool instead.")


async def add_note(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ChildVoiceNote) -> ChildVoiceRecord:
    old = msgspec.json.decode(stored.doc, type=ChildVoiceRecord)
    full(old.worker_notes, "notes")
    meta = next_meta(old.meta, actor, now())
    return msgspec.structs.replace(old, worker_notes=[*old.worker_notes, body.note], meta=meta)


async def change_consent(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ConsentToShare
) -> ChildVoiceRecord:
    """The child's own decision: recorded by their worker, or by the child themself (never by another child)."""
    old = msgspec.json.decode(stored.doc, type=ChildVoiceRecord)
    check_own_voice(actor.role, actor.principal, PerspectiveRole.child.value, old.tool.child_id)
    await people_exist(conn, actor, "/with_whom", body.with_whom)
    tool = msgspec.structs.replace(old.tool, child_consent_to_share=body)
    return msgspec.structs.replace(old, tool=tool, meta=next_meta(old.meta, actor, now()))


async def override_consent(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ChildVoiceConsentOverride
) -> ChildVoiceRecord:
    """BR-11: a manager shows the tool to people the child did not agree to; who and when come from the token."""
    old = msgspec.json.decode(stored.doc, type=ChildVoiceRecord)
    full(old.consent_overrides, "overrides")
    await people_exist(conn, actor, "/with_whom", body.with_whom)
    at = now()
    override = ConsentOverride(with_whom=body.with_whom, reason=body.reason, by=actor.name, at=at)
    overrides = [*old.consent_overrides, override]
    return msgspec.structs.replace(old, consent_overrides=overrides, meta=next_meta(old.meta, actor, at))


CONSENT = (
    "Parents and network read the record only as the child's consent allows (BR-11): `all` the whole family, "
    "`some` the people named, `none` and `not_asked` nobody but the child. Professionals always read it."
)
UNSAFE = (
    "The child's words are never edited afterwards (no replace). When a worry is marked `makes_me_unsafe`, or the "
    "child's own safety number (`child_scale_id`, or the Safety House path) is at or below the council's "
    "threshold, an alert for the case's worker is raised with it, whatever the child agreed to share."
)

VOICE = register(
    Resource(
        Names(KIND, "ChildVoice", "/v1/child-voice", "voice_id", "child-voice", title="child's voice record"),
        Record(ChildVoiceRecord, ChildVoiceCreate, voice_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listCaseChildVoice", "The case's child's voice records, newest first", newest_first=True),
        create=Create(
            "createChildVoice",
            "Record a child's Three Houses, Wizards and Fairies or Safety House, in the child's own words",
            new_voice,
            CASE_WRITERS,
            description=f"{UNSAFE} {CONSENT}",
        ),
        actions=(
            Action(
                "addChildVoiceNote",
                "Add a worker's note beside the child's words (If-Match)",
                "notes",
                add_note,
                CASE_WORKERS,
                body=ChildVoiceNote,
            ),
            Action(
                "changeChildVoiceConsent",
                "Record the child's new consent to share (If-Match): by their worker, or by the child themself",
                "consent",
                change_consent,
                CASE_WORKERS | CHILD,
                body=ConsentToShare,
                description=CONSENT,
            ),
            Action(
                "overrideChildVoiceConsent",
                "Share the record with people the child did not agree to, with the reason (team manager; If-Match)",
                "consent-override",
                override_consent,
                MANAGERS,
                body=ChildVoiceConsentOverride,
                description="BR-11: the override, its reason, who made it (from the token) and when stay on the record",
            ),
        ),
    )
)
ROUTES: list[object] = []
