"""Telling the child: words-and-pictures explanations (domain 2.14) and child-centred safety plans (2.13).

A words-and-pictures story moves by its actions, never by its body:

    draft --parents agree--> agreed_by_parents --agency agrees--> agreed_by_agency --present--> presented_to_child
    presented_to_child --show to network--> shared_with_network;  any status --retire--> retired

- Each parent or carer of the case (or an author of the story) agrees as themselves, from their token. The team
  manager agrees for the agency once the parents' position is recorded; the agency may agree a story the parents
  dispute, since their disagreement can be told in the story (2.14). Status shows the furthest point reached.
- Agreements are to the words as they stood: replacing a draft with different words returns it to `draft`.
- The domain does not make agreement a condition of telling the child, so a worker may present a story at any
  point before it is retired; the agreements it had (or lacked) stay on the presented record.
- BR-12: the presented version is frozen. A change is a new draft made by `revisions`, linked back by
  `previous_version_id`; the presented record only gains network showings and its retirement.

A child-centred plan re-tells one safety plan version for one child. Once explained to the child (`explained_on`)
it is frozen the same way (domain 3.6: the child's own words are never edited after the session); a change is a
new plan made from the current safety plan.

BR-09: both are stale when a later agreed version of their safety plan (the same record agreed after the version
they were made from, or a newer version in its `previous_version_id` chain) has different rules. Worked out on
every read (get and list) from the plans the reader can see, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    ChildSafetyPlan,
    ChildSafetyPlanCreate,
    DatedFlag,
    FieldError,
    MemberRole,
    Network,
    NetworkShowing,
    SafetyPlan,
    WordsAndPictures,
    WordsAndPicturesAgreement,
    WordsAndPicturesCreate,
    WordsAndPicturesPresent,
    WordsAndPicturesShare,
    WordsAndPicturesStatus,
)

from . import printable, problems
from .auth.policy import CASE_WORKERS, CASE_WRITERS, FAMILY, SHARED_WORK_READERS, SIGNERS, Access, signed_by
from .context import Actor
from .db import records as q
from .db.engine import Database
from .db.records import StoredRecord, columns_of
from .http import api_route, db_of
from .resources.registry import (
    Action,
    Create,
    Listing,
    Names,
    Present,
    Record,
    Replace,
    Resource,
    register,
    resource,
    revision,
)
from .resources.service import (
    Written,
    fields_of,
    insert,
    load,
    new_id,
    new_meta,
    next_meta,
    now,
    read_one,
    refuse,
    update,
)

STORY_KIND, CHILD_PLAN_KIND, PLAN_KIND = "words_and_pictures", "child_safety_plan", "safety_plan"
STORY, CHILD_PLAN = "words and pictures explanation", "child-centred safety plan"  # their titles in messages
# Safety plan statuses that mean "agreed" for BR-09 (domain 3.4); an ended plan counts if it was once agreed.
AGREED = frozenset({"agreed", "in_trial", "sustained", "under_review"})
PARENTS = frozenset({MemberRole.parent, MemberRole.carer})
S = WordsAndPicturesStatus
Named = Sequence[tuple[str, UUID]]


def named(pointer: str, ids: Sequence[UUID]) -> list[tuple[str, UUID]]:
    return [(f"{pointer}/{i}", value) for i, value in enumerate(ids)]


async def found(conn: AsyncConnection, actor: Actor, kind: str, ids: Named, *conditions: Any) -> list[StoredRecord]:
    if not ids:
        return []
    return await q.select_where(conn, actor.scope, resource(kind), q.having_ids({i for _, i in ids}), *conditions)


async def plan_at(conn: AsyncConnection, actor: Actor, plan: StoredRecord, version: int) -> SafetyPlan | None:
    """A safety plan as it stood at one of its versions (the history keeps every one)."""
    if version == plan.version:
        return msgspec.json.decode(plan.doc, type=SafetyPlan)
    doc = await q.select_version(conn, actor.scope, resource(PLAN_KIND), plan.id, version)
    return msgspec.json.decode(doc, type=SafetyPlan) if doc else None


def unknown(ids: Named, known: Collection[UUID], code: str, what: str) -> list[FieldError]:
    return [FieldError(pointer=at, code=code, detail=f"{i} is not {what}") for at, i in ids if i not in known]


async def plan_errors(
    conn: AsyncConnection, actor: Actor, case: StoredRecord, plan: tuple[str, UUID, int], child: tuple[str, UUID] | None
) -> list[FieldError]:
    """The safety plan named (field stem, id, version) is one of this case's, at a version it has reached; the
    child, when given, is one of its children at that version."""
    stem, plan_id, version = plan
    plans = await found(conn, actor, PLAN_KIND, [("", plan_id)], q.belonging_to("case_id", case.id))
    if not plans:
        return unknown([(f"/{stem}_id", plan_id)], (), "unknown_safety_plan", "a safety plan of this case")
    made_from = await plan_at(conn, actor, plans[0], version) if version <= plans[0].version else None
    if made_from is None:
        what = f"a version of the safety plan (it is at version {plans[0].version})"
        return [FieldError(pointer=f"/{stem}_version", code="unknown_version", detail=f"{version} is not {what}")]
    return unknown([child] if child else [], made_from.child_ids, "not_a_child_of_plan", "a child of that safety plan")


async def check_references(
    conn: AsyncConnection,
    actor: Actor,
    case: StoredRecord,
    *,
    children: Named,
    people: Named,
    dangers: Named = (),
    plan: tuple[str, UUID, int] | None = None,
    plan_child: tuple[str, UUID] | None = None,
) -> None:
    """Children are the case's children, people are recorded in this council, dangers are this case's
    statements, and the safety plan is this case's (422 naming each that is not)."""
    people_known = {r.id for r in await found(conn, actor, "person", people)}
    dangers_known = {
        r.id for r in await found(conn, actor, "danger_statement", dangers, q.belonging_to("case_id", case.id))
    }
    errors = [
        *unknown(children, case.child_ids, "not_a_child_of_case", "a child in this case"),
        *unknown(people, people_known, "unknown_reference", "a person recorded in this council"),
        *unknown(dangers, dangers_known, "unknown_danger", "a danger statement of this case"),
    ]
    if plan is not None:
        errors += await plan_errors(conn, actor, case, plan, plan_child)
    refuse(errors, "The record names people, dangers or plans that are not this case's:")


async def load_case(conn: AsyncConnection, actor: Actor, stored: StoredRecord) -> StoredRecord:
    return await load(conn, actor, resource("case"), stored.case_id)


# --- BR-09: stale when a later agreed plan version changed the rules ----------------------------------


def rules_of(plan: SafetyPlan) -> frozenset[tuple[Any, ...]]:
    """What the child was told, for comparison: each rule's id, words, danger, people and status (order aside)."""
    return frozenset((r.id, r.text, r.danger_id, tuple(sorted(r.responsible)), r.status) for r in plan.rules)


def was_agreed(plan: SafetyPlan) -> bool:
    """Agreed now, or ended after being agreed (a draft may carry a copied agreed_at: it does not count)."""
    return plan.status.value in AGREED or (plan.status.value == "ended" and plan.agreed_at is not None)


async def stale_flags(
    conn: AsyncConnection, actor: Actor, sources: list[tuple[UUID | None, tuple[UUID, int] | None]]
) -> list[bool]:
    """For each (case, (plan id, version made from)): does a later agreed version of that plan have other rules?"""
    plans: dict[UUID, tuple[StoredRecord, SafetyPlan]] = {}
    for case_id in {case for case, source in sources if case is not None and source is not None}:
        for r in await q.select_where(conn, actor.scope, resource(PLAN_KIND), q.belonging_to("case_id", case_id)):
            plans[r.id] = (r, msgspec.json.decode(r.doc, type=SafetyPlan))
    newer: dict[UUID, list[UUID]] = defaultdict(list)
    for plan_id, (_, plan) in plans.items():
        if plan.previous_version_id is not None:
            newer[plan.previous_version_id].append(plan_id)

    async def stale(source: tuple[UUID, int] | None) -> bool:
        if source is None or source[0] not in plans:
            return False
        stored, _ = plans[source[0]]
        made_from = await plan_at(conn, actor, stored, source[1])
        if made_from is None:
            return False
        later, queue = [source[0]] if stored.version > source[1] else [], list(newer[source[0]])
        while queue:
            later.append(queue.pop())
            queue += newer[later[-1]]
        told = rules_of(made_from)
        return any(was_agreed(plans[p][1]) and rules_of(plans[p][1]) != told for p in later)

    return [await stale(source) for _, source in sources]


def presenting(source: Callable[[Any], tuple[UUID, int] | None]) -> Present:
    """The kind's `present` hook: each record read with its stale flag worked out now (BR-09)."""

    async def present(conn: AsyncConnection, actor: Actor, stored: list[StoredRecord]) -> list[StoredRecord]:
        docs = [resource(s.kind).decode(s) for s in stored]
        flags = await stale_flags(conn, actor, [(s.case_id, source(d)) for s, d in zip(stored, docs, strict=True)])
        return [
            s
            if d.stale is flag
            else msgspec.structs.replace(s, doc=msgspec.json.encode(msgspec.structs.replace(d, stale=flag)))
            for s, d, flag in zip(stored, docs, flags, strict=True)
        ]

    return present


# --- words and pictures ------------------------------------------------------------------------------


def stories() -> Resource:
    return resource(STORY_KIND)


def decode_story(stored: StoredRecord) -> WordsAndPictures:
    return msgspec.json.decode(stored.doc, type=WordsAndPictures)


def still_open(story: WordsAndPictures) -> None:
    """BR-12: once presented the story is frozen (409 presented-frozen); a retired one is finished (409)."""
    if story.presented_on is not None:
        raise problems.PresentedFrozen(
            f"This story was presented to the child on {story.presented_on.isoformat()} and is frozen; make a new "
            f"version (POST /v1/words-and-pictures/{story.id}/revisions).",
            rule="BR-12",
        )
    if story.status is S.retired:
        raise problems.Conflict("This story is retired.")


async def check_story(conn: AsyncConnection, actor: Actor, case: StoredRecord, body: WordsAndPicturesCreate) -> None:
    plan = ("safety_plan", body.safety_plan_id, body.safety_plan_version or 1) if body.safety_plan_id else None
    await check_references(
        conn,
        actor,
        case,
        children=named("/child_ids", body.child_ids),
        people=named("/authors", body.authors),
        dangers=named("/danger_ids", body.danger_ids),
        plan=plan,
    )


async def new_story(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: WordsAndPicturesCreate, story_id: UUID
) -> WordsAndPictures:
    assert case is not None
    await check_story(conn, actor, case, body)
    meta = new_meta(actor, now(), case.id, case.la_code)
    return WordsAndPictures(**fields_of(body), id=story_id, meta=meta, status=S.draft)


async def next_story(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: WordsAndPicturesCreate
) -> WordsAndPictures:
    """The next draft. Agreements are to the words as they stood: new words go back to draft without them."""
    old = decode_story(stored)
    still_open(old)
    await check_story(conn, actor, await load_case(conn, actor, stored), body)
    same = all(getattr(old, name) == getattr(body, name) for name in WordsAndPicturesCreate.__struct_fields__)
    kept = {
        "status": old.status,
        "parents_agreements": old.parents_agreements,
        "agency_agreement": old.agency_agreement,
    }
    return WordsAndPictures(
        **fields_of(body),
        id=old.id,
        meta=next_meta(old.meta, actor, now()),
        previous_version_id=old.previous_version_id,
        **(kept if same else {"status": S.draft}),
    )


def agreement(actor: Actor) -> WordsAndPicturesAgreement:
    return WordsAndPicturesAgreement(by=actor.name, person_id=signed_by(actor.principal), at=now())


def moved(old: WordsAndPictures, actor: Actor, **changes: Any) -> WordsAndPictures:
    return msgspec.structs.replace(old, meta=next_meta(old.meta, actor, now()), **changes)


async def agree_by_parents(conn: AsyncConnection, actor: Actor, stored: StoredRecord, _: None) -> WordsAndPictures:
    """A parent or carer of the case, or an author, agrees as themselves (the token says who)."""
    old = decode_story(stored)
    case = resource("case").decode(await load_case(conn, actor, stored))
    parents = {m.person_id for m in case.members if m.role in PARENTS}
    me = actor.principal.person_id
    if me is None or (me not in parents and me not in old.authors):
        raise problems.Forbidden("Only the child's parents or carers, or the story's authors, agree to it.")
    still_open(old)
    if any(a.person_id == me for a in old.parents_agreements):
        raise problems.Conflict("You have already agreed to this story.")
    status = S.agreed_by_parents if old.status is S.draft else old.status
    return moved(old, actor, status=status, parents_agreements=[*old.parents_agreements, agreement(actor)])


async def agree_by_agency(conn: AsyncConnection, actor: Actor, stored: StoredRecord, _: None) -> WordsAndPictures:
    """The team manager's agreement (domain 4.1), once the parents' position is on the story."""
    old = decode_story(stored)
    still_open(old)
    if old.agency_agreement is not None:
        raise problems.Conflict("The agency has already agreed to this story.")
    if old.parents_position is None:
        detail = "Record where the parents stand on the story (parents_position) before the agency agrees it."
        raise problems.RuleBroken(
            detail, errors=[FieldError(pointer="/parents_position", code="required_to_agree", detail=detail)]
        )
    return moved(old, actor, status=S.agreed_by_agency, agency_agreement=agreement(actor))


async def present_story(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: WordsAndPicturesPresent
) -> WordsAndPictures:
    """The story is told to the child: from now on this version is frozen (BR-12)."""
    old = decode_story(stored)
    still_open(old)
    await check_references(
        conn, actor, await load_case(conn, actor, stored), children=[], people=named("/presented_by", body.presented_by)
    )
    return moved(old, actor, status=S.presented_to_child, **fields_of(body))


async def share_story(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: WordsAndPicturesShare
) -> WordsAndPictures:
    """Network members shown the story the child was told (after it was presented, domain 2.14)."""
    old = decode_story(stored)
    if old.status not in (S.presented_to_child, S.shared_with_network):
        raise problems.Conflict(f"This story is {old.status.value}; show the network the story the child was told.")
    people = named("/shown_to", [s.person_id for s in body.shown_to])
    await check_references(conn, actor, await load_case(conn, actor, stored), children=[], people=people)
    shown = old.shown_to_network + [s for s in body.shown_to if s not in old.shown_to_network]
    if len(shown) > 100:
        raise problems.Conflict("This story has its 100 network showings recorded; make a new version.")
    assert stored.case_id is not None
    await mark_seen_in_networks(conn, actor, stored.case_id, body.shown_to)
    return moved(old, actor, status=S.shared_with_network, shown_to_network=shown)


async def mark_seen_in_networks(
    conn: AsyncConnection, actor: Actor, case_id: UUID, showings: Sequence[NetworkShowing]
) -> None:
    """Domain 2.14: showing the story to network members updates their `has_seen_words_and_pictures`, in the same
    transaction (a new version of each network that changes)."""
    first_seen: dict[UUID, dt.date] = {}
    for showing in showings:
        first_seen[showing.person_id] = min(showing.on, first_seen.get(showing.person_id, showing.on))
    networks = resource("network")
    for stored in await q.select_where(
        conn, actor.scope, networks, q.belonging_to("case_id", case_id), for_update=True
    ):
        network = msgspec.json.decode(stored.doc, type=Network)
        members = [
            msgspec.structs.replace(m, has_seen_words_and_pictures=DatedFlag(value=True, on=first_seen[m.person_id]))
            if m.person_id in first_seen and not (m.has_seen_words_and_pictures and m.has_seen_words_and_pictures.value)
            else m
            for m in network.members
        ]
        if members != network.members:
            at = now()
            seen = msgspec.structs.replace(network, members=members, meta=next_meta(network.meta, actor, at))
            await update(conn, actor, networks, stored, seen, at)


async def retire_story(_: AsyncConnection, actor: Actor, stored: StoredRecord, __: None) -> WordsAndPictures:
    old = decode_story(stored)
    if old.status is S.retired:
        raise problems.Conflict("This story is already retired.")
    return moved(old, actor, status=S.retired)


async def create_revision(db: Database, actor: Actor, story_id: UUID, _: int | None, __: None) -> Written:
    """BR-12: copy a presented story into a new draft linked back to it; the presented one stays as it was."""
    async with db.begin(actor.scope) as conn:
        source = await load(conn, actor, stories(), story_id)
        old = decode_story(source)
        if old.presented_on is None:
            raise problems.Conflict(f"This story is {old.status.value} and has not been presented; change it instead.")
        case = await load_case(conn, actor, source)
        body = WordsAndPicturesCreate(**{name: getattr(old, name) for name in WordsAndPicturesCreate.__struct_fields__})
        draft = msgspec.structs.replace(await new_story(conn, actor, case, body, new_id()), previous_version_id=old.id)
        return await insert(conn, actor, stories(), draft, draft.meta.created_at, case)


def story_source(story: WordsAndPictures) -> tuple[UUID, int] | None:
    if story.safety_plan_id is None or story.safety_plan_version is None:
        return None
    return (story.safety_plan_id, story.safety_plan_version)


# --- child-centred safety plans ----------------------------------------------------------------------


async def check_child_plan(
    conn: AsyncConnection, actor: Actor, case: StoredRecord, body: ChildSafetyPlanCreate
) -> None:
    await check_references(
        conn,
        actor,
        case,
        children=[("/child_id", body.child_id)],
        people=named("/my_safe_people", body.my_safe_people) + named("/explained_by", body.explained_by),
        plan=("source_plan", body.source_plan_id, body.source_plan_version),
        plan_child=("/child_id", body.child_id),
    )


async def new_child_plan(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: ChildSafetyPlanCreate, plan_id: UUID
) -> ChildSafetyPlan:
    assert case is not None
    await check_child_plan(conn, actor, case, body)
    return ChildSafetyPlan(**fields_of(body), id=plan_id, meta=new_meta(actor, now(), case.id, case.la_code))


async def next_child_plan(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ChildSafetyPlanCreate
) -> ChildSafetyPlan:
    """Editable until explained to the child; then frozen like a presented story (domain 3.6, BR-12)."""
    old = msgspec.json.decode(stored.doc, type=ChildSafetyPlan)
    if old.explained_on is not None:
        raise problems.PresentedFrozen(
            f"This plan was explained to the child on {old.explained_on.isoformat()} and is kept as it was; make a "
            "new child-centred plan from the current safety plan."
        )
    await check_child_plan(conn, actor, await load_case(conn, actor, stored), body)
    return ChildSafetyPlan(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()))


# --- declarations ------------------------------------------------------------------------------------

STORIES = register(
    Resource(
        Names(STORY_KIND, "WordsAndPictures", "/v1/words-and-pictures", "story_id", "words and pictures", title=STORY),
        Record(
            WordsAndPictures,
            WordsAndPicturesCreate,
            lambda story: columns_of(story, child_ids=tuple(story.child_ids)),
            parent="case",
        ),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listCaseWordsAndPictures", "The case's words-and-pictures stories, oldest first"),
        create=Create(
            "createWordsAndPictures",
            "Start a words-and-pictures story for the case's children, as a draft",
            new_story,
            CASE_WRITERS,
        ),
        replace=Replace(
            "replaceWordsAndPictures",
            "Change a story not yet presented (If-Match); new words go back to draft without the agreements",
            next_story,
            CASE_WRITERS,
            problems=(409,),
        ),
        present=presenting(story_source),
        actions=(
            Action(
                "agreeWordsAndPicturesByParents",
                "A parent or carer (or an author) agrees to the story as themselves (If-Match)",
                "parents-agreement",
                agree_by_parents,
                FAMILY,
            ),
            Action(
                "agreeWordsAndPicturesByAgency",
                "The team manager agrees to the story for the agency (If-Match)",
                "agency-agreement",
                agree_by_agency,
                SIGNERS,
                problems=(404, 409, 422),
            ),
            Action(
                "presentWordsAndPictures",
                "Record that the story was told to the child: this version is then frozen (BR-12, If-Match)",
                "present",
                present_story,
                CASE_WORKERS,
                body=WordsAndPicturesPresent,
            ),
            Action(
                "shareWordsAndPictures",
                "Record the network members shown the presented story (If-Match)",
                "network-showings",
                share_story,
                CASE_WORKERS,
                body=WordsAndPicturesShare,
            ),
            Action("retireWordsAndPictures", "Retire the story (If-Match)", "retire", retire_story, CASE_WORKERS),
            revision(
                "createWordsAndPicturesRevision",
                "Copy a presented story into a new draft linked back to it (BR-12)",
                create_revision,
                CASE_WORKERS,
                problems=(404, 409, 422),
            ),
        ),
    )
)

CHILD_PLANS = register(
    Resource(
        Names(
            CHILD_PLAN_KIND,
            "ChildSafetyPlan",
            "/v1/child-safety-plans",
            "child_plan_id",
            "safety plans",
            title=CHILD_PLAN,
        ),
        Record(
            ChildSafetyPlan,
            ChildSafetyPlanCreate,
            lambda plan: columns_of(plan, child_ids=(plan.child_id,)),
            parent="case",
        ),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listCaseChildSafetyPlans", "The case's child-centred safety plans, oldest first"),
        create=Create(
            "createChildSafetyPlan",
            "Re-tell one safety plan version for one child",
            new_child_plan,
            CASE_WRITERS,
        ),
        replace=Replace(
            "replaceChildSafetyPlan",
            "Change a child-centred plan not yet explained to the child (If-Match)",
            next_child_plan,
            CASE_WRITERS,
            problems=(409,),
        ),
        present=presenting(lambda plan: (plan.source_plan_id, plan.source_plan_version)),
        special={"getPrintableChildSafetyPlan": (SHARED_WORK_READERS, "r")},
    )
)


async def printable_child_plan(db: Database, actor: Actor, plan_id: UUID) -> bytes:
    """A child-centred safety plan as a page to print and read with the child: its pages in order (each picture
    told in words by its alt text), who looks after me, what the grown-ups will do, what I can do, my safe people."""
    stored = await read_one(db, actor, CHILD_PLANS, plan_id)
    plan = msgspec.json.decode(stored.doc, type=ChildSafetyPlan)
    known = await printable.names(db, actor, [plan.child_id, *plan.my_safe_people])
    child = known.get(plan.child_id)
    return printable.render(
        "child_plan.html",
        heading=f"{child}'s safety plan" if child else "My safety plan",
        stale=plan.stale,
        pages=sorted(plan.pages, key=lambda page: page.number),
        who_looks_after_me=plan.who_looks_after_me,
        what_grown_ups_will_do=plan.what_grown_ups_will_do,
        what_i_can_do_if_not_safe=plan.what_i_can_do_if_not_safe,
        safe_people=[known.get(p, "someone") for p in plan.my_safe_people],
        child_response=plan.child_response,
    )


@api_route(
    "GET",
    "/v1/child-safety-plans/{child_plan_id:uuid}/printable",
    operation_id="getPrintableChildSafetyPlan",
    tag="safety plans",
    summary="A child-centred safety plan as a plain, printable page (HTML)",
    description=(
        "The plan's pages in order, each picture told in words (its alt text), then who looks after the child, "
        "what the grown-ups will do, what the child can do if not safe and their safe people, as a page with no "
        "script and nothing loaded from elsewhere. Seen by the callers who may read the plan; recorded as a read."
    ),
    media=(printable.HTML,),
    problems_=(404,),
)
async def get_printable_child_plan(
    request: Request[Any, Any, Any], actor: Actor, child_plan_id: UUID
) -> Response[bytes]:
    return Response(await printable_child_plan(db_of(request), actor, child_plan_id), media_type=printable.HTML)


ROUTES: list[object] = [get_printable_child_plan]
