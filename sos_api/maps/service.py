"""Assessment maps and danger statements (domain 2.7, 2.8, 3.3).

A case has one chain of map versions (1, 2, 3...). Drafts are editable; finalising makes a draft `current`
and the previous current map `superseded`, and pins the version of each danger statement it pairs.
Finalised maps are read-only: a change is a new draft at the end of the chain. Danger statement and safety
goal ids persist across map versions, their text changes are versions, so judgements chart per danger.
BR-03 decides when a map may become current.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    AssessmentMap,
    AssessmentMapCreate,
    DangerStatement,
    DangerStatementCreate,
    DangerStatus,
    DangerVersionRef,
    ExistingSafetyEntry,
    FieldError,
    MapContext,
    MapEntry,
    MapFinalise,
    MapStatus,
    SafetyGoal,
    ScalingQuestion,
    ScalingSubject,
    ScalingSubjectType,
)
from sos_schema.maps import WORDING

from .. import printable, problems
from ..audit import record as audit
from ..auth.policy import Scope, signed_by
from ..context import Actor
from ..db import records as q
from ..db.engine import Database
from ..db.records import Columns, StoredRecord, columns_of
from ..db.tables import records
from ..resources.registry import Resource, resource
from ..resources.service import (
    Written,
    fields_of,
    insert,
    load,
    load_for_update,
    new_id,
    new_meta,
    next_meta,
    now,
    races,
    read_one,
    refuse,
    update,
)
from ..scaling import service as scaling
from . import queries

MAP_KIND = queries.MAP_KIND
CASE_KIND = "case"
DANGER_KIND = "danger_statement"
QUESTION_KIND = "scaling_question"


def maps() -> Resource:
    return resource(MAP_KIND)


def dangers() -> Resource:
    return resource(DANGER_KIND)


C = MapContext
# BR-03: where every active danger needs its safety (or wellbeing) scale before the map becomes current
# (assessment, CIN and the child protection contexts: strategy, conference, core group).
SCALED_CONTEXTS = frozenset({C.assessment, C.strategy, C.conference, C.core_group, C.cin_review})
# Domain 2.7: at least one danger/goal pair before `current`, except at the front door and in early help.
DANGERS_OPTIONAL = frozenset({C.front_door, C.early_help})
NOT_YET = "required_to_finalise"


# --- shared helpers ----------------------------------------------------------------------------------


async def load_case(conn: AsyncConnection, actor: Actor, case_id: UUID | None, *, lock: bool = False) -> StoredRecord:
    """A visible case; locked when the caller changes its map chain (the case row serialises chain writes)."""
    return await load(conn, actor, resource(CASE_KIND), case_id, lock=lock)


def children_errors(case: StoredRecord, child_ids: Sequence[UUID], pointer: str) -> list[FieldError]:
    """Children named must be child members of the case (a map or statement is about the case's children)."""
    members = set(case.child_ids)
    return [
        FieldError(pointer=f"{pointer}/{i}", code="not_a_child_of_case", detail=f"{c} is not a child in this case")
        for i, c in enumerate(child_ids)
        if c not in members
    ]


def lost_chain_race() -> problems.ProblemError:
    return problems.Conflict("Another change to this case's maps was saved at the same time; read again.")


# Unique indexes that guard the chain (db/tables.py); the case lock makes losing a race on them rare.
CHAIN_CONFLICTS = {"uq_records_map_chain": lost_chain_race, "uq_records_current_map": lost_chain_race}


# --- maps --------------------------------------------------------------------------------------------


def decode_map(stored: StoredRecord) -> AssessmentMap:
    return msgspec.json.decode(stored.doc, type=AssessmentMap)


def map_columns(value: AssessmentMap) -> Columns:
    return columns_of(value, child_ids=tuple(value.children), chain_no=value.map_version)


def with_entry_ids(entries: list[MapEntry]) -> list[MapEntry]:
    """Entries keep the ids clients send (they persist across versions); new entries get one."""
    return [e if e.id is not None else msgspec.structs.replace(e, id=new_id()) for e in entries]


async def check_map_references(
    conn: AsyncConnection, actor: Actor, case: StoredRecord, body: AssessmentMapCreate
) -> None:
    """The map's children are children of its case; the dangers it names are this case's statements."""
    errors = children_errors(case, body.children, "/children")
    named: list[tuple[str, UUID]] = [(f"/danger_ids/{i}", d) for i, d in enumerate(body.danger_ids)]
    for i, entry in enumerate(body.entries):
        if isinstance(entry, ExistingSafetyEntry):
            named += [(f"/entries/{i}/danger_ids/{k}", d) for k, d in enumerate(entry.danger_ids)]
    if named:
        found = await q.select_where(
            conn,
            actor.scope,
            dangers(),
            records.c.id.in_({d for _, d in named}),
            records.c.case_id == case.id,
        )
        known = {r.id for r in found}
        errors += [
            FieldError(pointer=p, code="unknown_danger", detail=f"{d} is not a danger statement of this case")
            for p, d in named
            if d not in known
        ]
    refuse(errors, "The map names children or dangers that are not this case's:")


async def new_map(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: AssessmentMapCreate, map_id: UUID
) -> AssessmentMap:
    """A draft at the end of the case's chain (map_version = latest + 1, previous_map_id = latest), with its
    overall question; the case row is locked (the chain is the case's)."""
    assert case is not None
    await check_map_references(conn, actor, case, body)
    at = now()
    tail = await queries.select_chain_tail(conn, case.la_code, case.id)
    question_id = await add_overall_question(conn, actor, map_id, case.id, body, at)
    return AssessmentMap(
        **{**fields_of(body), "entries": with_entry_ids(body.entries)},
        id=map_id,
        meta=new_meta(actor, at, case.id, case.la_code),
        status=MapStatus.draft,
        map_version=tail.chain_no + 1 if tail else 1,
        previous_map_id=tail.id if tail else None,
        overall_question_id=question_id,
    )


async def add_overall_question(
    conn: AsyncConnection, actor: Actor, map_id: UUID, case_id: UUID | None, body: AssessmentMapCreate, at: dt.datetime
) -> UUID | None:
    """The stored question of the map's overall scale, when the map has one (domain 2.7)."""
    if body.overall_question is None:
        return None
    question_id, subject = new_id(), ScalingSubject(type=ScalingSubjectType.map_overall, id=map_id)
    scale, children = body.overall_question, body.children
    await scaling.create_question(
        conn, actor, question_id, scale, subject, case_id=case_id, child_ids=children, at=at, holder=body
    )
    return question_id


async def keep_overall_question(
    conn: AsyncConnection, actor: Actor, old: AssessmentMap, body: AssessmentMapCreate, at: dt.datetime
) -> UUID | None:
    """The draft's overall question record follows `overall_question`: revised, or created when first given.
    When the question is taken off the map its record (and any judgements) stays."""
    if body.overall_question is None:
        return None
    existing = await q.select_where(
        conn, actor.scope, resource(QUESTION_KIND), *queries.overall_question_of(old.id), for_update=True
    )
    if existing:
        await scaling.revise_question(conn, actor, existing[0], body.overall_question, body.children, at, body)
        return existing[0].id
    return await add_overall_question(conn, actor, old.id, old.meta.case_id, body, at)


async def next_map(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: AssessmentMapCreate
) -> AssessmentMap:
    """The next version of a draft (domain 3.6: drafts are editable, every save still versioned)."""
    old = decode_map(stored)
    if old.status is not MapStatus.draft:
        # Domain 3.3: finalised maps are read-only; any change creates a new version.
        raise problems.ReadOnly(
            f"Finalised maps are read-only; create a new version (POST /v1/maps/{old.id}/revisions)."
        )
    case = await load_case(conn, actor, stored.case_id)
    await check_map_references(conn, actor, case, body)
    at = now()
    return AssessmentMap(
        **{**fields_of(body), "entries": with_entry_ids(body.entries)},
        id=old.id,
        meta=next_meta(old.meta, actor, at),
        status=old.status,
        map_version=old.map_version,
        previous_map_id=old.previous_map_id,
        overall_question_id=await keep_overall_question(conn, actor, old, body, at),
        approved_by=old.approved_by,
    )


async def check_ready_to_finalise(conn: AsyncConnection, actor: Actor, draft: AssessmentMap) -> list[DangerStatement]:
    """The map's dangers, after checking everything a map needs before it becomes current (BR-03 and the
    fields marked F in domain 2.7 and 2.8); refuses with every missing item at once."""
    errors: list[FieldError] = []

    def missing(pointer: str, detail: str, code: str = NOT_YET) -> None:
        errors.append(FieldError(pointer=pointer, code=code, detail=detail))

    if not draft.participants:
        missing("/participants", "participants: say who contributed before finalising")
    if not draft.entries:
        missing("/entries", "entries: the map has no entries yet")
    if draft.overall_question is None:
        missing("/overall_question", "overall_question: the overall scale is required before finalising")
    if not draft.danger_ids and draft.context not in DANGERS_OPTIONAL:
        missing(
            "/danger_ids",
            f"BR-03: a {draft.context.value} map needs at least one danger statement",
            "BR-03",
        )
    found = {
        r.id: msgspec.json.decode(r.doc, type=DangerStatement)
        for r in (
            await q.select_where(
                conn,
                actor.scope,
                dangers(),
                records.c.id.in_(draft.danger_ids),
                records.c.case_id == draft.meta.case_id,
            )
            if draft.danger_ids
            else []
        )
    }
    scale_ids = [d.safety_goal.scale_question_id for d in found.values() if d.safety_goal.scale_question_id]
    scales = {
        r.id: msgspec.json.decode(r.doc, type=ScalingQuestion).kind
        for r in (
            await q.select_where(conn, actor.scope, resource(QUESTION_KIND), records.c.id.in_(scale_ids))
            if scale_ids
            else []
        )
    }
    for i, danger_id in enumerate(draft.danger_ids):
        pointer = f"/danger_ids/{i}"
        danger = found.get(danger_id)
        if danger is None:
            missing(pointer, f"{danger_id} is no longer a danger statement of this case", "unknown_danger")
            continue
        scale = danger.safety_goal.scale_question_id
        needs_scale = draft.context in SCALED_CONTEXTS and danger.status is DangerStatus.active
        if needs_scale and (scale is None or scales.get(scale) not in scaling.DANGER_SCALES):
            missing(
                pointer,
                f"BR-03: danger statement {danger_id} has no safety or wellbeing scaling question "
                f"(POST /v1/danger-statements/{danger_id}/scaling-question)",
                "BR-03",
            )
        if danger.family_position is None:
            missing(pointer, f"danger statement {danger_id}: family_position is required before finalising")
        if danger.status is DangerStatus.active and danger.safety_goal.sustain_for is None:
            missing(pointer, f"danger statement {danger_id}: safety_goal.sustain_for is required before finalising")
    rule = "BR-03" if any(e.code == "BR-03" for e in errors) else None
    refuse(errors, "The map cannot be finalised yet:", rule=rule)
    return [found[d] for d in draft.danger_ids]


async def finalise_map(db: Database, actor: Actor, map_id: UUID, expected: int | None, body: MapFinalise) -> Written:
    """Draft -> current; the case's previous current map -> superseded, in one transaction (domain 3.3)."""
    assert expected is not None
    with races(CHAIN_CONFLICTS):
        async with db.begin(actor.scope) as conn:
            seen = await load(conn, actor, maps(), map_id)
            # Lock order everywhere: the case, then its maps.
            case = await load_case(conn, actor, seen.case_id, lock=True)
            stored = await load_for_update(conn, actor, maps(), map_id, expected)
            draft = decode_map(stored)
            if draft.status is not MapStatus.draft:
                raise problems.ReadOnly(f"This map is already {draft.status.value}; only a draft can be finalised.")
            pinned = await check_ready_to_finalise(conn, actor, draft)
            at = now()
            for previous in await q.select_where(
                conn,
                actor.scope,
                maps(),
                records.c.case_id == case.id,
                records.c.status == MapStatus.current.value,
                for_update=True,
            ):
                old = decode_map(previous)
                superseded = msgspec.structs.replace(
                    old, status=MapStatus.superseded, meta=next_meta(old.meta, actor, at)
                )
                await update(conn, actor, maps(), previous, superseded, at)
            final = msgspec.structs.replace(
                draft,
                status=MapStatus.current,
                meta=next_meta(draft.meta, actor, at),
                finalised_at=at,
                # Sign-off is the caller's, from the token (domain 4.1; the route is the team manager's).
                finalised_by=actor.name,
                approved_by=signed_by(actor.principal),
                finalise_note=body.note,
                pinned_dangers=[DangerVersionRef(id=d.id, version=d.meta.version) for d in pinned],
            )
            return await update(conn, actor, maps(), stored, final, at)


async def create_revision(db: Database, actor: Actor, map_id: UUID, _: int | None, __: None) -> Written:
    """Copy a finalised map into a new draft at the end of the chain; entry and danger ids carry over."""
    with races(CHAIN_CONFLICTS):
        async with db.begin(actor.scope) as conn:
            source = await load(conn, actor, maps(), map_id)
            case = await load_case(conn, actor, source.case_id, lock=True)
            old = decode_map(source)
            if old.status not in (MapStatus.current, MapStatus.superseded):
                raise problems.Conflict(f"This map is {old.status.value}; only a finalised map can be revised.")
            copied = {name: getattr(old, name) for name in AssessmentMapCreate.__struct_fields__}
            # A new version is not the record of the meeting the old one was made in (domain 3.3), and sign-off
            # belongs to the version that was signed.
            body = AssessmentMapCreate(**{**copied, "meeting_id": None})
            draft = await new_map(conn, actor, case, body, new_id())
            return await insert(conn, actor, maps(), draft, now(), case)


@functools.lru_cache(maxsize=2048)
def _case_map_statement(scope: Scope, by_chain: bool) -> Any:
    """A case's current map, or its map at one position of the chain: one at most (a unique index each), read
    and audited in one statement, built once per caller's scope."""
    picked = (
        records.c.chain_no == sa.bindparam("n", type_=sa.Integer)
        if by_chain
        else records.c.status == MapStatus.current.value
    )
    return audit.read_and_record(q.record_query(scope, maps(), records.c.case_id == q.bound("case_id"), picked))


async def read_case_map(
    db: Database, actor: Actor, case_id: UUID, n: int | None = None, *, missing: str
) -> StoredRecord:
    """One map of a case (the current one, or the one at position `n`), as stored (hot read: the JSON goes out
    untouched)."""
    params = audit.event_params(actor, "read") | {"case_id": case_id, "n": n}
    found = await q.fetch_statement(db, actor.scope, _case_map_statement(actor.scope, n is not None), params)
    if not found:
        raise problems.NotFound(missing)
    return found[0]


async def current_map(db: Database, actor: Actor, case_id: UUID) -> StoredRecord:
    return await read_case_map(db, actor, case_id, missing="This case has no current map.")


async def case_map_version(db: Database, actor: Actor, case_id: UUID, n: int) -> StoredRecord:
    """The case's map at position `n` of its chain."""
    return await read_case_map(db, actor, case_id, n, missing=f"This case has no map version {n}.")


# --- danger statements -------------------------------------------------------------------------------


def danger_columns(danger: DangerStatement) -> Columns:
    return columns_of(danger, child_ids=tuple(danger.child_ids))


async def new_danger(
    _: AsyncConnection, actor: Actor, case: StoredRecord | None, body: DangerStatementCreate, danger_id: UUID
) -> DangerStatement:
    """A new statement about children of the case; its goal gets the id it keeps for life."""
    assert case is not None
    refuse(children_errors(case, body.child_ids, "/child_ids"), "The statement names children outside the case:")
    goal = SafetyGoal(**fields_of(body.safety_goal), id=new_id())
    return DangerStatement(
        **{**fields_of(body), "safety_goal": goal},
        id=danger_id,
        meta=new_meta(actor, now(), case.id, case.la_code),
        case_id=case.id,
        wording_version=1,
    )


async def next_danger(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: DangerStatementCreate
) -> DangerStatement:
    """A new version of the statement; its id, its goal's id and the goal's scale stay (domain 3.3)."""
    old = msgspec.json.decode(stored.doc, type=DangerStatement)
    case = await load_case(conn, actor, old.case_id)
    refuse(children_errors(case, body.child_ids, "/child_ids"), "The statement names children outside the case:")
    goal = SafetyGoal(
        **fields_of(body.safety_goal), id=old.safety_goal.id, scale_question_id=old.safety_goal.scale_question_id
    )
    reworded = (
        any(getattr(body, f) != getattr(old, f) for f in WORDING) or body.safety_goal.text != old.safety_goal.text
    )
    meta = next_meta(old.meta, actor, now())
    return DangerStatement(
        **{**fields_of(body), "safety_goal": goal},
        id=old.id,
        meta=meta,
        case_id=old.case_id,
        wording_version=meta.version if reworded else old.wording_version or 1,
    )


# --- printable map (issue 14) ----------------------------------------------------------------------

COLUMNS = (
    ("What we are worried about", ("harm", "complicating_factor", "grey_area")),
    ("What is working well", ("existing_strength", "existing_safety")),
    ("What needs to happen", ("next_step",)),
)
ENTRY_LABELS = {
    "harm": "What has happened",
    "complicating_factor": "What makes it harder",
    "grey_area": "Not sure yet",
    "existing_strength": "A strength",
    "existing_safety": "Safety already shown",
    "next_step": "Next step",
}


def _whose(perspective: dict[str, object], known: dict[UUID, str]) -> str:
    role = str(perspective.get("perspective_role", "")).replace("_", " ")
    person = perspective.get("perspective_person_id")
    name = known.get(UUID(str(person))) if person else None
    return f"{name} ({role})" if name else role


async def printable_map(db: Database, actor: Actor, map_id: UUID) -> bytes:
    """A map as a plain page a family can read: the worries and goals, the three columns with whose view each entry
    is, the family's hopes and the worker's analysis. Read as the map is (same callers, each read recorded)."""
    stored = await read_one(db, actor, resource(MAP_KIND), map_id)
    doc = msgspec.json.decode(stored.doc)
    dangers = []
    for danger_id in doc.get("danger_ids") or []:
        try:
            danger = msgspec.json.decode((await read_one(db, actor, resource(DANGER_KIND), UUID(danger_id))).doc)
        except problems.NotFound:
            continue  # a danger this reader may not see (professionals only) is left out, as in its own read
        goal = danger.get("safety_goal") or {}
        dangers.append({"text": danger["text"], "dispute": danger.get("dispute"), "goal": goal.get("text", "")})
    entries = doc.get("entries") or []
    perspectives = [e.get("perspective") or {} for e in entries] + [
        g.get("perspective") or {} for g in doc.get("family_goals") or []
    ]
    people = [UUID(str(p["perspective_person_id"])) for p in perspectives if p.get("perspective_person_id")]
    known = await printable.names(db, actor, [*people, *(UUID(c) for c in doc.get("children") or [])])
    columns = [
        {
            "title": title,
            "entries": [
                {
                    "text": e["text"],
                    "label": ENTRY_LABELS[e["category"]],
                    "who": _whose(e.get("perspective") or {}, known),
                }
                for e in sorted(entries, key=lambda e: e.get("order", 0))
                if e["category"] in categories
            ],
        }
        for title, categories in COLUMNS
    ]
    return printable.render(
        "map.html",
        heading=f"Our {doc.get('framing', 'safety')} map",
        children=[known[UUID(c)] for c in doc.get("children") or [] if UUID(c) in known],
        mapped_on=doc["mapped_on"],
        status={"draft": "draft, not finished", "current": "the current map", "superseded": "an earlier map"}.get(
            doc.get("status", ""), ""
        ),
        dangers=dangers,
        columns=columns,
        family_goals=[
            {"text": g["text"], "who": _whose(g.get("perspective") or {}, known)} for g in doc.get("family_goals") or []
        ],
        analysis=doc.get("analysis"),
    )
